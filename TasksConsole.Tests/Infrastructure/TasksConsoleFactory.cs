using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Data;

namespace TasksConsole.Tests.Infrastructure;

/// <summary>The token endpoint's answer, camel-cased for tests.</summary>
public sealed record TokenPair(string AccessToken, string RefreshToken, double ExpiresIn, string UserId, string? ApplicationId);

/// <summary>
/// The whole app over a fresh SQLite file in a temp directory (deleted on dispose), with a known admin.
/// Use it as a class fixture, or new one up (with <see cref="Settings"/> or a <see cref="Clock"/>)
/// when a test needs its own configuration or clock. Settings and the clock must be in place before the first
/// request or <see cref="WebApplicationFactory{TEntryPoint}.Services"/> access starts the host.
/// </summary>
public class TasksConsoleFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@test.local";
    public const string AdminPassword = "Admin-test-passw0rd";

    /// <summary>Password of the users <see cref="CreateClientAsync"/> creates for the other roles.</summary>
    public const string UserPassword = "User-test-passw0rd";

    /// <summary>The OAuth client id the helpers sign in with.</summary>
    public const string ClientId = "tests";

    public const string TokenPath = "/auth/v2/oauth2/tokens";

    private readonly SemaphoreSlim _userCreation = new(1, 1);

    /// <summary>A factory whose clock starts now and only moves when the test advances it.</summary>
    public static TasksConsoleFactory WithFakeClock() => new() { Clock = new FakeTimeProvider(DateTimeOffset.UtcNow) };

    /// <summary>When set, replaces the app's <see cref="TimeProvider"/>; advance it to test expiry.</summary>
    public FakeTimeProvider? Clock { get; init; }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "tasksconsole-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Extra configuration, applied last (e.g. <c>["Auth:OAuthClients:0:ClientId"] = "cli"</c>).</summary>
    public Dictionary<string, string?> Settings { get; } = new();

    /// <summary>The store: a SQLite file in <see cref="DataDirectory"/>, or a database of its own on <see cref="PostgresServer"/>.</summary>
    public StorageProvider Provider { get; init; } = StorageProvider.Sqlite;

    private PostgresDatabase? _postgres;

    /// <summary>Everything the app logged.</summary>
    public LogCapture Logs { get; } = new();

    public static string EmailFor(Role role) => $"{role.ToString().ToLowerInvariant()}@test.local";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        builder.UseSetting("Auth:BootstrapAdmin:Email", AdminEmail);
        builder.UseSetting("Auth:BootstrapAdmin:Password", AdminPassword);
        // Many factories run at once in the suite: a few Hangfire workers each are plenty and keep the machine calm.
        builder.UseSetting("Execution:WorkerCount", "4");
        if (Provider == StorageProvider.PostgreSql)
        {
            // The host builds synchronously here; the database must exist before the app migrates it.
            _postgres ??= PostgresServer.CreateDatabaseAsync("app").GetAwaiter().GetResult();
            foreach (var (key, value) in CoreBuilder.StoreSettings(_postgres.ConnectionString)) builder.UseSetting(key, value);
        }
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            if (Clock is null) return;
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    /// <summary>
    /// An API client signed in with a bearer access token for <paramref name="role"/>: the bootstrap admin for
    /// <see cref="Role.Admin"/>, else <see cref="EmailFor"/>(role), created on first use.
    /// </summary>
    public async Task<HttpClient> CreateClientAsync(Role role)
    {
        var email = AdminEmail;
        var password = AdminPassword;
        if (role != Role.Admin)
        {
            email = EmailFor(role);
            password = UserPassword;
            await EnsureUserAsync(email, password, role);
        }
        var tokens = await GetTokensAsync(email, password);
        return CreateBearerClient(tokens.AccessToken);
    }

    /// <summary>Creates the user unless one with that email exists; returns it either way.</summary>
    public async Task<UserInfo> EnsureUserAsync(string email, string password, Role role)
    {
        await _userCreation.WaitAsync();
        try
        {
            var users = Services.GetRequiredService<UserService>();
            return await users.FindByEmailAsync(email) ?? await users.CreateAsync(email, password, role);
        }
        finally
        {
            _userCreation.Release();
        }
    }

    /// <summary>Signs in through the OAuth2 password grant; throws with the response body if that fails.</summary>
    public async Task<TokenPair> GetTokensAsync(string email, string password)
    {
        using var client = CreateClient();
        var response = await client.PostAsJsonAsync(TokenPath, new Dictionary<string, string>
        {
            ["client_id"] = ClientId,
            ["grant_type"] = "password",
            ["username"] = email,
            ["password"] = password,
        });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode} {body}");
        }
        return ReadTokenPair(body);
    }

    public HttpClient CreateBearerClient(string accessToken)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>A client that behaves like a browser for the console: keeps cookies, does not follow redirects.</summary>
    public HttpClient CreateBrowserClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static TokenPair ReadTokenPair(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new TokenPair(
            root.GetProperty("access_token").GetString()!,
            root.GetProperty("refresh_token").GetString()!,
            root.GetProperty("expires_in").GetDouble(),
            root.GetProperty("user_id").GetString()!,
            root.TryGetProperty("application_id", out var app) ? app.GetString() : null);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        DeleteDataDirectory();
        if (_postgres is not null) await _postgres.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            DeleteDataDirectory();
            _postgres?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private void DeleteDataDirectory()
    {
        // Pooled connections keep the file open; release them so the directory can go.
        SqliteConnection.ClearAllPools();
        try
        {
            if (Directory.Exists(DataDirectory)) Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still held by a finishing background job is left for the OS to clean.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>The app with its store on PostgreSQL, as a class fixture.</summary>
public sealed class PostgreSqlTasksConsoleFactory : TasksConsoleFactory
{
    public PostgreSqlTasksConsoleFactory() => Provider = StorageProvider.PostgreSql;
}
