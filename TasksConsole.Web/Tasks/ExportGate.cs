using Microsoft.Extensions.Options;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Tasks;

public sealed class ExportOptions
{
    public const string Section = "Export";

    /// <summary>Downloads (tasks or audit) one user may have running at once.</summary>
    public int MaxConcurrentPerUser { get; set; } = 2;

    /// <summary>Downloads running at once on this node, all users together.</summary>
    public int MaxConcurrent { get; set; } = 4;
}

/// <summary>
/// Caps the exports running at once, per user and in all. An export reads up to 100,000 tasks and keeps a
/// connection, a core and a chunk of rows busy for its whole length; without a cap a few clicks (or one script with
/// a viewer's cookie) could take the node's memory and the store's attention from everyone else.
/// </summary>
public sealed class ExportGate(IOptions<ExportOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _perUser = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>A lease on one export slot, or null with the reason when a cap is reached; dispose it when the export ends.</summary>
    public IDisposable? TryEnter(string user, out string? refusal)
    {
        var settings = options.Value;
        lock (_lock)
        {
            var mine = _perUser.GetValueOrDefault(user);
            refusal = mine >= settings.MaxConcurrentPerUser
                ? $"You already have {mine} export(s) running, the most one user may run at once. Wait for one to finish, then try again."
                : _total >= settings.MaxConcurrent
                    ? $"{_total} exports are running on this server, the most it runs at once. Try again in a minute."
                    : null;
            if (refusal is not null) return null;
            _perUser[user] = mine + 1;
            _total++;
            return new Lease(this, user);
        }
    }

    private void Leave(string user)
    {
        lock (_lock)
        {
            _total--;
            if (--_perUser[user] == 0) _perUser.Remove(user);
        }
    }

    /// <summary>
    /// Runs <paramref name="export"/> in a slot of the signed-in user, or answers 429 with the reason as a page: the
    /// console opens exports in a new tab, where the reason is read, while a download that works just saves.
    /// </summary>
    public async Task RunAsync(HttpContext http, Func<Task> export)
    {
        using var lease = TryEnter(http.User.GetUserId() ?? "", out var refusal);
        if (lease is null)
        {
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            http.Response.Headers.RetryAfter = "30";
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync(refusal!, http.RequestAborted);
            return;
        }
        await export();
    }

    private sealed class Lease(ExportGate gate, string user) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) gate.Leave(user);
        }
    }
}
