using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Data;

namespace TasksConsole.Tests.Infrastructure;

/// <summary>
/// Hosts the whole app on a real loopback port, for clients that live outside the test process: the JavaScript
/// SDK under node, and browsers driven by Playwright. In-process API tests should prefer the TestServer-based
/// factory, which is faster and needs no port.
/// </summary>
/// <remarks>
/// Each instance gets its own empty data directory and a known bootstrap admin, so tests never see each other's
/// data. Use it as an xunit class or collection fixture (derive to change settings), or start one inline with
/// <see cref="StartAsync"/>. Kestrel listens on 127.0.0.1 only, so a client that resolves <c>localhost</c> to ::1
/// first (node 17+ on an IPv6 host) should prefer IPv4, e.g. with <c>--dns-result-order=ipv4first</c>.
/// </remarks>
public class LiveServer : IAsyncLifetime, IAsyncDisposable
{
    public const string AdminEmail = "admin@localhost";
    public const string AdminPassword = "Live-Server-Admin-Pa55!";

    /// <summary>The OAuth2 client id test clients present; the password grant needs one.</summary>
    public const string OAuthClientId = "tasksconsole-tests";

    private readonly Dictionary<string, string?> settings;
    private Factory? factory;

    public LiveServer()
        : this(null)
    {
    }

    /// <param name="settings">Configuration that wins over the defaults, e.g. <c>Auth:AccessTokenLifetime</c>.</param>
    public LiveServer(IReadOnlyDictionary<string, string?>? settings)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "tasksconsole-live-" + Guid.NewGuid().ToString("N"));
        this.settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Storage:DataDirectory"] = DataDirectory,
            ["Auth:BootstrapAdmin:Email"] = AdminEmail,
            ["Auth:BootstrapAdmin:Password"] = AdminPassword,
            ["Execution:WorkerCount"] = "4",
            // Request-level logs of a whole suite drown the test output; a test that needs them can override this.
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            this.settings[key] = value;
        }
    }

    /// <summary>Where the app listens, always with host <c>localhost</c>: the EXH SDK rewrites any other host.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The private data directory; deleted on dispose.</summary>
    public string DataDirectory { get; }

    /// <summary>The effective configuration overrides, after <see cref="ConfigureSettings"/>.</summary>
    public IReadOnlyDictionary<string, string?> Settings => settings;

    public IServiceProvider Services => Started.Services;

    private Factory Started => factory ?? throw new InvalidOperationException("The live server has not been started.");

    /// <summary>Starts a server; with <paramref name="provider"/> PostgreSQL, over a database of its own (dropped on dispose).</summary>
    public static async Task<LiveServer> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null, StorageProvider provider = StorageProvider.Sqlite)
    {
        var postgres = provider == StorageProvider.PostgreSql ? await PostgresServer.CreateDatabaseAsync("live") : null;
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        if (postgres is not null)
        {
            foreach (var (key, value) in CoreBuilder.StoreSettings(postgres.ConnectionString)) all[key] = value;
        }
        var server = new LiveServer(all) { _postgres = postgres };
        try
        {
            await server.InitializeAsync();
        }
        catch
        {
            if (postgres is not null) await postgres.DisposeAsync();
            throw;
        }
        return server;
    }

    private PostgresDatabase? _postgres;

    /// <summary>An HttpClient aimed at the live port (not an in-memory handler), for tests that mix in raw HTTP.</summary>
    public HttpClient CreateHttpClient() => new() { BaseAddress = BaseAddress };

    /// <summary>Override to add or change configuration before the app starts.</summary>
    protected virtual void ConfigureSettings(IDictionary<string, string?> settings)
    {
    }

    /// <summary>Override to replace services (a fake clock, a stub invoker) before the app starts.</summary>
    protected virtual void ConfigureWebHost(IWebHostBuilder builder)
    {
    }

    public Task InitializeAsync()
    {
        if (factory is not null)
        {
            return Task.CompletedTask;
        }

        ConfigureSettings(settings);
        Directory.CreateDirectory(DataDirectory);
        factory = new Factory(this);
        try
        {
            factory.UseKestrel(0);
            factory.StartServer();
            BaseAddress = ResolveBaseAddress(factory.Services);
        }
        catch
        {
            // Nobody gets a handle to dispose a server that failed to start, so clean up here.
            factory.Dispose();
            factory = null;
            DeleteDataDirectory();
            throw;
        }
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
            factory = null;
        }
        DeleteDataDirectory();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
            _postgres = null;
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync();
    }

    private static Uri ResolveBaseAddress(IServiceProvider services)
    {
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var bound = addresses?.Select(address => new Uri(address)).FirstOrDefault(uri => uri.Port > 0)
            ?? throw new InvalidOperationException("Kestrel reported no bound address.");
        if (!bound.IsLoopback)
        {
            throw new InvalidOperationException($"Kestrel bound to {bound}, which is not a loopback address.");
        }
        return new UriBuilder(bound) { Host = "localhost", Path = "/" }.Uri;
    }

    private void DeleteDataDirectory()
    {
        // SQLite may hold the files a moment after the host stops; clear its pool so the delete can succeed.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        for (var attempt = 0; attempt < 5 && Directory.Exists(DataDirectory); attempt++)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException) when (attempt < 4)
            {
                Thread.Sleep(100 * (attempt + 1));
            }
            catch (UnauthorizedAccessException) when (attempt < 4)
            {
                Thread.Sleep(100 * (attempt + 1));
            }
        }
    }

    private sealed class Factory(LiveServer owner) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // UseSetting, not ConfigureAppConfiguration: Program reads some sections while the builder is still
            // being set up, before app-configuration callbacks would have run.
            foreach (var (key, value) in owner.settings)
            {
                builder.UseSetting(key, value);
            }
            owner.ConfigureWebHost(builder);
        }
    }
}
