using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Functions;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Components.Shared;

namespace TasksConsole.Tests.Components.Shared;

public sealed class FunctionPickerTests : ConsoleTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly string[] DemoFunctions = ["echo", "sleep", "fail", "flaky", "timeout", "noop"];

    [Theory]
    [InlineData("noop")]
    [InlineData("sleep")]
    [InlineData("timeout")]
    public async Task TypingAWholeName_AndPressingEnter_PicksThatFunction(string name)
    {
        await using var database = await TestDatabase.CreateAsync();
        var (input, picked) = await RenderPickerAsync(database);

        input().Focus();
        input().Input(name);
        input().KeyUp(new KeyboardEventArgs { Key = "Enter" });

        // Typing already sets the value (free text is accepted); Enter must not replace it with another entry.
        picked.Component.WaitForAssertion(() => Assert.Equal((name, name), (picked.Value, input().GetAttribute("value"))), Patience);
    }

    [Fact]
    public async Task TypingPartOfAName_AndPressingEnter_PicksTheFirstNameStartingWithIt()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (input, picked) = await RenderPickerAsync(database);

        input().Focus();
        input().Input("fl");
        input().KeyUp(new KeyboardEventArgs { Key = "Enter" });

        picked.Component.WaitForAssertion(() => Assert.Equal(("flaky", "flaky"), (picked.Value, input().GetAttribute("value"))), Patience);
    }

    [Fact]
    public async Task EnterPressedWhileTheCatalogReloads_PicksTheTypedFunction_NotTheFirstOfTheOldList()
    {
        await using var database = await TestDatabase.CreateAsync();
        foreach (var name in DemoFunctions) await database.AddFunctionAsync(name);
        Services.AddTaskConsole(database);
        var catalog = new HeldCatalog(new FunctionCatalog(database.Factory, TimeProvider.System));
        Services.AddSingleton<IFunctionCatalog>(catalog);
        var popovers = RenderPopoverProvider();
        var picked = new Picked();
        picked.Component = Render<FunctionPicker>(p => p.Add(c => c.ValueChanged, (string? value) => picked.Value = value));
        var input = () => picked.Component.Find("input");

        // Focused, the empty box lists every function, echo first.
        input().Focus();
        popovers.WaitForAssertion(() => Assert.Equal("echo", popovers.FindAll(".mud-list-item .mono").FirstOrDefault()?.TextContent), Patience);

        // The catalog's snapshot expires and its reload takes a while: the key typed last, and Enter right after it,
        // arrive during the reload, as on a loaded server.
        catalog.Hold();
        input().Input("noop");
        input().KeyUp(new KeyboardEventArgs { Key = "Enter" });
        catalog.Release();

        picked.Component.WaitForAssertion(() => Assert.Equal(("noop", "noop"), (picked.Value, input().GetAttribute("value"))), Patience);
    }

    [Theory]
    [InlineData("", new[] { "echo", "fail", "flaky", "noop", "sleep", "timeout" })]
    [InlineData("noop", new[] { "noop", "echo", "fail", "flaky", "sleep", "timeout" })]
    [InlineData("e", new[] { "echo", "sleep", "timeout" })]
    [InlineData("out", new[] { "timeout" })]
    [InlineData("zzz", new string[0])]
    public void TheList_PutsTheBestMatchFirst(string text, string[] expected)
    {
        Assert.Equal(expected, FunctionPicker.Order(DemoFunctions, text));
    }

    /// <summary>The catalog, but while held every read waits, as one that reloads from a slow store does.</summary>
    private sealed class HeldCatalog(IFunctionCatalog inner) : IFunctionCatalog
    {
        private TaskCompletionSource? _held;

        public void Hold() => _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _held?.TrySetResult();

        public async ValueTask<FunctionRecord?> FindAsync(string name, CancellationToken cancellationToken = default) =>
            (await GetAllAsync(cancellationToken)).GetValueOrDefault(name);

        public ValueTask<IReadOnlyDictionary<string, FunctionRecord>> GetAllAsync(CancellationToken cancellationToken = default) =>
            _held is { Task.IsCompleted: false } held ? WaitAsync(held.Task, cancellationToken) : inner.GetAllAsync(cancellationToken);

        public void Invalidate() => inner.Invalidate();

        private async ValueTask<IReadOnlyDictionary<string, FunctionRecord>> WaitAsync(Task held, CancellationToken cancellationToken)
        {
            await held;
            return await inner.GetAllAsync(cancellationToken);
        }
    }

    private sealed class Picked
    {
        public IRenderedComponent<FunctionPicker> Component { get; set; } = default!;
        public string? Value { get; set; }
    }

    private async Task<(Func<AngleSharp.Dom.IElement> Input, Picked Picked)> RenderPickerAsync(TestDatabase database)
    {
        foreach (var name in DemoFunctions) await database.AddFunctionAsync(name);
        Services.AddTaskConsole(database);
        RenderPopoverProvider();
        var picked = new Picked();
        picked.Component = Render<FunctionPicker>(p => p.Add(c => c.ValueChanged, (string? value) => picked.Value = value));
        return (() => picked.Component.Find("input"), picked);
    }
}
