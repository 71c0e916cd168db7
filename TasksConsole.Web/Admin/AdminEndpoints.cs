namespace TasksConsole.Web.Admin;

public static class AdminEndpoints
{
    /// <summary>The admin API: users, API tokens and nodes under <c>/admin/v1</c>.</summary>
    public static WebApplication MapAdminEndpoints(this WebApplication app)
    {
        app.MapAdminTokensEndpoints();
        app.MapAdminUsersEndpoints();
        app.MapAdminNodesEndpoints();
        return app;
    }
}
