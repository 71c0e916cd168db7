using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Components;
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
builder.AddConsoleUi();

var app = builder.Build();

await app.InitializeStorageAsync();
await app.EnsureBootstrapAdminAsync();

app.UseTasksApiErrorHandling();
app.UseTasksConsoleAuth();
app.UseConsoleUiAssets();

app.MapAuthEndpoints();
app.MapTasksEndpoints();
app.MapFunctionsEndpoints();
app.MapSchedulesEndpoints();
app.MapApiReference();
app.MapConsoleUi();

app.Run();

/// <summary>Entry point marker for WebApplicationFactory in the tests.</summary>
public partial class Program;
