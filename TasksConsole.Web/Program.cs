using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Components;
using TasksConsole.Web.Execution;
using TasksConsole.Web.Functions;
using TasksConsole.Web.Schedules;
using TasksConsole.Web.Storage;
using TasksConsole.Web.Tasks;

var builder = WebApplication.CreateBuilder(args);

builder.AddTasksStorage();
builder.AddTasksConsoleAuth();
builder.AddTasksApi();
builder.Services.AddTasksFeature();
builder.Services.AddFunctionsFeature();
builder.Services.AddSchedulesFeature();
builder.AddLambdaExecution();
builder.AddTaskExecution();
builder.AddConsoleUi();

var app = builder.Build();

await app.InitializeStorageAsync();
await app.EnsureBootstrapAdminAsync();
await app.EnsureDemoFunctionsAsync();

app.UseTasksApiErrorHandling();
app.UseTasksConsoleAuth();
app.UseConsoleUiAssets();

app.MapAuthEndpoints();
app.MapTasksEndpoints();
app.MapFunctionsEndpoints();
app.MapExecuteFunctionEndpoint();
app.MapSchedulesEndpoints();
app.MapTaskExecution();
app.MapApiReference();
app.MapConsoleUi();

app.Run();

/// <summary>Entry point marker for WebApplicationFactory in the tests.</summary>
public partial class Program;
