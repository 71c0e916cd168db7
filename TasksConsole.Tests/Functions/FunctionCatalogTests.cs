using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Functions;

public sealed class FunctionCatalogTests
{
    [Fact]
    public async Task TheCatalog_FollowsEveryChangeMadeThroughTheService()
    {
        await using var node = await StoreNode.StartAsync();
        Assert.Null(await node.Catalog.FindAsync("resize"));

        await node.Functions.CreateAsync(new FunctionDefinition { Name = "resize", DefaultPriority = 3, Code = "UEsDBA==" });
        var created = await node.Catalog.FindAsync("resize");
        await node.Functions.UpdateAsync("resize", f => f with { DefaultPriority = 8 });
        var updated = await node.Catalog.FindAsync("resize");
        await node.Functions.SetEnabledAsync("resize", false);
        var disabled = await node.Catalog.FindAsync("resize");
        await node.Functions.DeleteAsync("resize");
        var deleted = await node.Catalog.FindAsync("resize");

        Assert.Equal(3, created!.DefaultPriority);
        Assert.Null(created.CodeBase64);
        Assert.Equal(8, updated!.DefaultPriority);
        Assert.False(disabled!.Enabled);
        Assert.Null(deleted);
    }

    [Fact]
    public async Task ASnapshot_IsServedFromMemory_UntilSomethingChanges()
    {
        await using var node = await StoreNode.StartAsync();
        await node.Functions.CreateAsync(new FunctionDefinition { Name = "a" });

        var first = await node.Catalog.GetAllAsync();
        var second = await node.Catalog.GetAllAsync();
        await node.Functions.CreateAsync(new FunctionDefinition { Name = "b" });
        var third = await node.Catalog.GetAllAsync();

        Assert.Same(first, second);
        Assert.NotSame(second, third);
        Assert.Equal(["a", "b"], third.Keys.Order());
    }

    [Fact]
    public async Task ChangesMadeByAnotherNode_AreSeenWithinTheMaximumAge()
    {
        await using var node = await StoreNode.StartAsync();
        await using var other = await StoreNode.StartAsync(node.Clock, node.Directory);
        await node.Catalog.GetAllAsync();

        await other.Functions.CreateAsync(new FunctionDefinition { Name = "remote" });
        var before = await node.Catalog.FindAsync("remote");
        node.Clock.Advance(FunctionCatalog.MaxAge);
        var after = await node.Catalog.FindAsync("remote");

        Assert.Null(before);
        Assert.NotNull(after);
    }

    [Fact]
    public async Task TaskCreation_AppliesTheFunctionsDefaultPriority_OnlyWhenNoneIsGiven()
    {
        await using var node = await StoreNode.StartAsync();
        await node.Functions.CreateAsync(new FunctionDefinition { Name = "urgent", DefaultPriority = 50 });

        var defaulted = await node.Tasks.CreateAsync(new NewTask("urgent"), Caller.System);
        var explicitPriority = await node.Tasks.CreateAsync(new NewTask("urgent", Priority: -2), Caller.System);
        var unknownFunction = await node.Tasks.CreateAsync(new NewTask("not-registered"), Caller.System);

        Assert.Equal((50L, -2L, 0L), (defaulted.Priority, explicitPriority.Priority, unknownFunction.Priority));
    }

    [Fact]
    public async Task TheSeeder_RegistersTheDemoFunctions_OnAFirstStart()
    {
        await using var node = await StoreNode.StartAsync();
        var seeder = node.Services.GetRequiredService<FunctionSeeder>();
        DemoFunctionSpec[] demos =
        [
            new("hello", "Says hello", 10, RetryEnabled: false, ErrorsToRetry: null),
            new("flaky", "Fails now and then", 5, RetryEnabled: true, ErrorsToRetry: ["TransientError"]),
        ];

        var registered = await seeder.EnsureDemoFunctionsAsync(demos);
        var secondStart = await seeder.EnsureDemoFunctionsAsync([new("another", "Not wanted", 10, false, null)]);

        Assert.Equal((2, 0), (registered, secondStart));
        var functions = await node.Functions.ListAsync();
        Assert.Equal(["flaky", "hello"], functions.Select(f => f.Name));
        var flaky = functions[0];
        Assert.Equal(("Fails now and then", 5, true, "flaky"), (flaky.Description, flaky.TimeLimitSeconds, flaky.RetryEnabled, flaky.LambdaFunctionName));
        Assert.Equal(["TransientError"], flaky.ErrorsToRetry);
        Assert.Equal([2, 5, 10], flaky.RetryDelaysSeconds);
        Assert.True(flaky.Enabled);
    }

    [Fact]
    public async Task TheSeeder_LeavesARegistryAlone_OnceItHasAnyFunction()
    {
        await using var node = await StoreNode.StartAsync();
        await node.Functions.CreateAsync(new FunctionDefinition { Name = "mine" });
        var seeder = node.Services.GetRequiredService<FunctionSeeder>();

        var registered = await seeder.EnsureDemoFunctionsAsync([new("hello", "Says hello", 10, false, null)]);

        Assert.Equal(0, registered);
        Assert.Equal(["mine"], (await node.Functions.ListAsync()).Select(f => f.Name));
    }
}
