using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Abstractions;
using TasksConsole.Core.Execution.LocalRuntime;

namespace TasksConsole.Web.Execution.LocalRuntime;

/// <summary>
/// The built-in local function runtime: a separate, bare Kestrel server on 127.0.0.1 that answers Lambda's Invoke API
/// for <see cref="LocalDemoFunctions"/>, so the production invoker talks to it over HTTP exactly as to AWS. It only
/// listens on loopback and refuses requests not signed with its own key pair, which by default is random per process.
/// </summary>
/// <remarks>
/// Started by the host as a hosted service, or on first use by <see cref="LocalRuntimeConnectionSource"/> (so an
/// invocation never waits on a start that nobody makes). The inner app is built from the empty builder: it reads none
/// of the host's configuration (no ASPNETCORE_URLS, no Kestrel endpoints), so it cannot be moved off loopback by
/// accident, and it runs no middleware at all.
/// </remarks>
public sealed class LocalLambdaRuntime : IHostedService, IAsyncDisposable
{
    public const string Region = "us-east-1";

    private readonly LocalRuntimeOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly LocalFunctionRunner _runner;
    private readonly SigV4Verifier _verifier;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task<Uri>? _start;
    private WebApplication? _app;
    private bool _stopped;

    public LocalLambdaRuntime(LocalRuntimeOptions options, IEnumerable<LocalFunction> functions, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        var configuredId = !string.IsNullOrWhiteSpace(options.AccessKeyId);
        var configuredSecret = !string.IsNullOrWhiteSpace(options.SecretAccessKey);
        if (configuredId != configuredSecret)
        {
            throw new InvalidOperationException("Set both Lambda:LocalRuntime:AccessKeyId and Lambda:LocalRuntime:SecretAccessKey, or neither.");
        }
        if (options.Port is < 0 or > 65535)
        {
            throw new InvalidOperationException($"Lambda:LocalRuntime:Port must be 0 (any free port) or a port number, not {options.Port}.");
        }

        AccessKeyId = configuredId ? options.AccessKeyId! : "LOCAL" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 15);
        var secret = configuredSecret
            ? options.SecretAccessKey!
            : RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40);
        Credentials = new BasicAWSCredentials(AccessKeyId, secret);

        _options = options;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<LocalLambdaRuntime>();
        _runner = new LocalFunctionRunner(functions, timeProvider);
        _verifier = new SigV4Verifier([new SigV4Key(AccessKeyId, secret)], "lambda", timeProvider);
    }

    public string AccessKeyId { get; }

    /// <summary>The key pair the runtime accepts; hand it only to clients of this process.</summary>
    public AWSCredentials Credentials { get; }

    public IReadOnlyCollection<LocalFunction> Functions => _runner.Functions;

    /// <summary>The bound socket address once started (always 127.0.0.1).</summary>
    public IPEndPoint? EndPoint { get; private set; }

    /// <summary>The base address to send Invoke calls to, once started.</summary>
    public Uri? Endpoint { get; private set; }

    /// <summary>Starts the runtime if nobody has yet, and returns its base address once it listens.</summary>
    public Task<Uri> WaitUntilStartedAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            _start ??= StartCoreAsync();
            return _start.WaitAsync(cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => WaitUntilStartedAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        WebApplication? app;
        lock (_gate)
        {
            if (_stopped) return;
            _stopped = true;
            app = _app;
        }
        // Running and background (Event) invocations end first, so graceful shutdown does not wait out a sleep.
        await _stopping.CancelAsync();
        if (app is not null) await app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Disposal must not throw; whatever still runs is cut off by disposing the server.
        }
        if (_app is not null) await _app.DisposeAsync();
        _stopping.Dispose();
    }

    /// <remarks>
    /// The inner server is built and started on a clean execution context. Hosting announces every host it builds to
    /// <see cref="System.Diagnostics.DiagnosticListener"/> observers, and some observers (the test host's entry-point
    /// resolver among them) pick "their" host by an async-local value; built in the outer app's flow, this server was
    /// taken for the outer app and reconfigured as it.
    /// </remarks>
    private Task<Uri> StartCoreAsync()
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(BuildAndStartAsync);
        }
    }

    private async Task<Uri> BuildAndStartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(LocalLambdaRuntime).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Payload limits are checked by the handler, which answers them the way Lambda does.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, _options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddSingleton<ILoggerFactory>(new EmbeddedLoggerFactory(_loggerFactory));
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();

        var app = builder.Build();
        var handler = new LocalInvokeHandler(_runner, _verifier, Region, _loggerFactory.CreateLogger<LocalInvokeHandler>(), _stopping.Token);
        app.Run(handler.HandleAsync);
        await app.StartAsync(_stopping.Token);

        var address = new Uri(app.Urls.Single());
        EndPoint = new IPEndPoint(IPAddress.Parse(address.Host), address.Port);
        Endpoint = new Uri($"http://{EndPoint}/");
        bool stoppedMeanwhile;
        lock (_gate)
        {
            _app = app;
            stoppedMeanwhile = _stopped;
        }
        if (stoppedMeanwhile)
        {
            await app.StopAsync();
            throw new ObjectDisposedException(nameof(LocalLambdaRuntime));
        }
        _logger.LogInformation(
            "Lambda: built-in local runtime listening on {Endpoint} (loopback only, signed requests only) with functions {Functions}",
            Endpoint, string.Join(", ", _runner.Functions.Select(f => f.Name)));
        return Endpoint;
    }

    /// <summary>The outer app owns console signals and start/stop; the inner server must not react to Ctrl+C on its own.</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>
    /// Logs through the app's own providers and filters, minus the inner host's lifecycle chatter ("Now listening on",
    /// "Application started"), which would read as if the main app had moved, and below Warning for ASP.NET Core's own
    /// categories, so no configuration makes the server log every invocation ("Request starting ...").
    /// </summary>
    private sealed class EmbeddedLoggerFactory(ILoggerFactory outer) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) =>
            categoryName.StartsWith("Microsoft.Hosting.", StringComparison.Ordinal) ? NullLogger.Instance
            : categoryName.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal) ? new WarningsOnlyLogger(outer.CreateLogger(categoryName))
            : outer.CreateLogger(categoryName);

        public void AddProvider(ILoggerProvider provider)
        {
            // Providers belong to the app's factory.
        }

        public void Dispose()
        {
            // The app disposes its own factory.
        }
    }

    private sealed class WarningsOnlyLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
