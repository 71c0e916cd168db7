using TasksConsole.Core.Tasks;

namespace TasksConsole.Web.Tasks;

public static class TasksSetup
{
    public static IHostApplicationBuilder AddTasks(this IHostApplicationBuilder builder)
    {
        builder.AddTasksCore();
        builder.Services.Configure<ExportOptions>(builder.Configuration.GetSection(ExportOptions.Section));
        builder.Services.AddSingleton<ExportGate>();
        return builder;
    }
}
