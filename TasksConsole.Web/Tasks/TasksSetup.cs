using TasksConsole.Core.Tasks;

namespace TasksConsole.Web.Tasks;

public static class TasksSetup
{
    public static IHostApplicationBuilder AddTasks(this IHostApplicationBuilder builder) => builder.AddTasksCore();
}
