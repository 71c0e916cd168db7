using Hangfire;
using Hangfire.Dashboard;
using TasksConsole.Core.Auth;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Execution.Pauses;
using TasksConsole.Web.Execution.Waiting;

namespace TasksConsole.Web.Execution;

public static class ExecutionEndpoints
{
    /// <summary>
    /// Pausing dispatch, why a task waits, which tasks are stuck, and the engine's one page: the Hangfire dashboard at <c>/hangfire</c>, for signed-in admins only.
    /// </summary>
    public static WebApplication MapExecutionEndpoints(this WebApplication app)
    {
        app.MapPauseEndpoints();
        app.MapWaitingEndpoints();
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new ConsoleAdminDashboardFilter()],
            AppPath = "/",
            DashboardTitle = "TasksConsole jobs",
        })
            // The console's own answers before Hangfire's bare 401/403: sign-in for a visitor, the console's access
            // denied page for a signed-in user without the permission. Hangfire's filter stays as a second check.
            .RequireAuthorization(Permissions.AccessJobDashboard);
        return app;
    }

    /// <summary>The Hangfire dashboard is for signed-in admins only; it is never open.</summary>
    private sealed class ConsoleAdminDashboardFilter : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) =>
            context.GetHttpContext().User.HasPermission(Permissions.AccessJobDashboard);
    }
}
