namespace TasksConsole.Web.Admin;

public static class AdminEndpoints
{
    /// <summary>The admin API: users and API tokens under <c>/admin/v1</c>.</summary>
    public static WebApplication MapAdminEndpoints(this WebApplication app)
    {
        app.MapAdminTokensEndpoints();
        app.MapAdminUsersEndpoints();
        return app;
    }
}
