namespace TasksConsole.Web.Auth;

public static class AuthEndpoints
{
    /// <summary>The OAuth2 token endpoint, console sign-in and sign-out.</summary>
    public static WebApplication MapAuthEndpoints(this WebApplication app)
    {
        app.MapOAuthTokenEndpoint();
        app.MapAccountEndpoints();
        return app;
    }
}
