using Hangfire.Logging;
using Hangfire.AspNetCore;

namespace TasksConsole.Web.Execution.Jobs;

/// <summary>
/// Hangfire logs through one process-wide provider, set by the host configured last. Where a process runs more than
/// one host (the tests, the bench), a host that stops disposes its logger factory while the others run on, and
/// Hangfire code that then asks for a logger (a worker reading a job's retry attribute, the recurring-job scheduler)
/// would throw <see cref="ObjectDisposedException"/>: a job fetched by such a worker stays fetched, never run, for
/// the storage's invisibility timeout. Here a disposed factory gives a silent logger instead.
/// </summary>
public sealed class HostLogProvider(ILoggerFactory loggerFactory) : ILogProvider
{
    private readonly AspNetCoreLogProvider _inner = new(loggerFactory);

    public ILog GetLogger(string name)
    {
        try
        {
            return _inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return SilentLog.Instance;
        }
    }

    private sealed class SilentLog : ILog
    {
        public static readonly SilentLog Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
