using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using TasksConsole.Core.ApiFunctions;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Events;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Schedules;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Auth;
using TasksConsole.Core.Execution;
using TasksConsole.Core.Execution.Pauses;
using TasksConsole.Core.Execution.Waiting;

namespace TasksConsole.Tests.Infrastructure;

/// <summary>
/// A console test over the real Core services and a migrated <see cref="TestDatabase"/>, with a fake clock, so a
/// page's actions can be checked in the store rather than against mocks.
/// </summary>
public abstract class StoreConsoleTestContext : ConsoleTestContext
{
    /// <summary>A Monday in winter: Europe/Brussels is UTC+1 until the end of March.</summary>
    protected static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The id <see cref="ConsoleTestContext.SignIn"/> gives the signed-in user (not a stored user).</summary>
    protected const string SignedInUserId = "0123456789abcdef01234567";

    private TestDatabase? _database;

    protected FakeTimeProvider Clock { get; } = new(Now);

    /// <summary>Signs in as <paramref name="role"/> and registers the Core services; call it before rendering anything.</summary>
    protected async Task UseStoreAsync(Role role)
    {
        var auth = SignIn(role);
        // SignIn sets the roles after the claims, and bUnit's SetRoles republishes the principal without claims, so
        // the permission claims pages check with User.HasPermission would be missing; set them again, last.
        auth.SetClaims([
            new Claim(TasksClaimTypes.UserId, SignedInUserId),
            new Claim(TasksClaimTypes.Role, role.ToString()),
            .. Permissions.For(role).Select(p => new Claim(TasksClaimTypes.Permission, p)),
        ]);
        _database = await TestDatabase.CreateAsync();
        Services.AddCore(core => core.AddTasksCore().AddFunctionsCore().AddSchedulesCore().AddEventsCore().AddAuthCore().AddApiFunctionsCore());
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton(_database.Factory);
        Services.AddSingleton<DispatchSignal>();
        Services.AddSingleton<DispatchPauses>();
        Services.AddOptions();
        Services.AddSingleton<NodeQueries>();
        Services.AddSingleton<TaskWaitExplainer>();
        Services.AddSingleton<StuckTasks>();
        Services.AddLogging();
    }

    protected T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    protected TestDatabase Database => _database ?? throw new InvalidOperationException("Call UseStoreAsync first.");

    /// <summary>Renders the providers dialogs and popovers need; returns the dialog provider, where dialogs appear.</summary>
    protected IRenderedComponent<MudDialogProvider> RenderProviders()
    {
        RenderPopoverProvider();
        return Render<MudDialogProvider>();
    }

    /// <summary>The input of the MudBlazor field labelled <paramref name="label"/>.</summary>
    protected static IElement FieldInput<TComponent>(IRenderedComponent<TComponent> cut, string label) where TComponent : IComponent =>
        FieldControl(cut, label).QuerySelector("input, textarea")
            ?? throw new InvalidOperationException($"The field '{label}' has no input.");

    /// <summary>The whole field (label, input, helper or error text) labelled <paramref name="label"/>.</summary>
    protected static IElement FieldControl<TComponent>(IRenderedComponent<TComponent> cut, string label) where TComponent : IComponent =>
        cut.FindAll(".mud-input-control").FirstOrDefault(control =>
            control.QuerySelector("label")?.TextContent.Trim().TrimEnd('*').Trim() == label)
        ?? throw new InvalidOperationException($"No field labelled '{label}' in:\n{cut.Markup}");

    protected static bool HasField<TComponent>(IRenderedComponent<TComponent> cut, string label) where TComponent : IComponent =>
        cut.FindAll(".mud-input-control").Any(control => control.QuerySelector("label")?.TextContent.Trim().TrimEnd('*').Trim() == label);

    /// <summary>The button whose visible text is <paramref name="text"/>.</summary>
    protected static IElement Button<TComponent>(IRenderedComponent<TComponent> cut, string text) where TComponent : IComponent =>
        cut.FindAll("button").FirstOrDefault(b => b.TextContent.Trim() == text)
        ?? throw new InvalidOperationException($"No button '{text}' in:\n{cut.Markup}");

    protected static bool HasButton<TComponent>(IRenderedComponent<TComponent> cut, string text) where TComponent : IComponent =>
        cut.FindAll("button").Any(b => b.TextContent.Trim() == text);

    protected static async Task<FunctionRecord> RegisterAsync(FunctionService functions, string name, Func<FunctionDefinition, FunctionDefinition>? change = null)
    {
        var definition = new FunctionDefinition { Name = name, Description = $"The {name} function" };
        return await functions.CreateAsync(change is null ? definition : change(definition));
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        if (_database is not null) await _database.DisposeAsync();
    }
}
