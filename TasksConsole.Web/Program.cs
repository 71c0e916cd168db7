using TasksConsole.Web.Admin;
using TasksConsole.Web.Api;
using TasksConsole.Web.ApiFunctions;
using TasksConsole.Web.Audit;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Components;
using TasksConsole.Web.Events;
using TasksConsole.Web.Execution;
using TasksConsole.Web.Functions;
using TasksConsole.Web.Live;
using TasksConsole.Web.Operations;
using TasksConsole.Web.Schedules;
using TasksConsole.Web.Security;
using TasksConsole.Web.Storage;
using TasksConsole.Web.Tasks;
using TasksConsole.Web.Webhooks;

// A one-off command instead of the app: moving a SQLite store to PostgreSQL (docs/scale-out.md).
if (MoveStoreCommand.IsRequested(args))
{
    Environment.ExitCode = await MoveStoreCommand.RunAsync(args, Console.Out, Console.Error);
    return;
}

var builder = WebApplication.CreateBuilder(args);

builder.AddForwardedHeaders();
builder.AddSecurityHeaders();
builder.AddStorage();
builder.AddAuth();
builder.AddAudit();
builder.AddApi();
builder.AddTasks();
builder.AddFunctions();
builder.AddSchedules();
builder.AddEvents();
builder.AddExecution();
builder.AddApiFunctions();
builder.AddWebhooks();
builder.AddLive();
builder.AddConsoleUi();
builder.AddOperations();

var app = builder.Build();

await app.InitializeStorageAsync();
await app.EnsureBootstrapAdminAsync();
await app.EnsureDemoFunctionsAsync();

// First: what follows (HTTPS redirection, the Secure cookie, sign-in limits, audit) sees the original client and scheme.
app.UseConfiguredForwardedHeaders();
app.UseSecurityHeaders();
app.UseTasksApiErrorHandling();
app.UseApiFallback();
app.UseTasksConsoleAuth();
app.UseFunctionCallRateLimit();
app.UseAuditActor();
app.UseConsoleUiAssets();

app.MapAuthEndpoints();
app.MapAdminEndpoints();
app.MapAuditEndpoints();
app.MapTasksEndpoints();
app.MapFunctionsEndpoints();
app.MapSchedulesEndpoints();
app.MapExecutionEndpoints();
app.MapApiFunctions();
app.MapWebhooksEndpoints();
app.MapLiveEndpoints();
app.MapApiReference();
app.MapConsoleUi();
app.MapOperationsEndpoints();

app.Run();

/// <summary>Entry point marker for WebApplicationFactory in the tests.</summary>
public partial class Program;
