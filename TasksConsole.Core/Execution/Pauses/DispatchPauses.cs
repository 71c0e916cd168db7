using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Audit;

namespace TasksConsole.Core.Execution.Pauses;

/// <summary>Who pauses: the user's id and how to show them.</summary>
public sealed record PausedBy(string? UserId, string? Name);

/// <summary>
/// Pausing and resuming dispatch, for the service or one function. The dispatcher reads <see cref="CurrentAsync"/>
/// every round: a snapshot of the few pause rows, reloaded after a change on this node and at most
/// <see cref="MaxAge"/> after it was loaded, which is how a pause or resume made on another node reaches this one.
/// Whether a pause holds is decided against the clock on every read, so one with a resume time ends on time.
/// </summary>
public sealed class DispatchPauses(
    IDbContextFactory<TasksDbContext> dbFactory,
    IFunctionCatalog functions,
    DispatchSignal signal,
    TimeProvider clock,
    ILogger<DispatchPauses> logger,
    AuditTrail? audit = null)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    private readonly StoreSnapshot<IReadOnlyList<DispatchPauseRecord>> _snapshot = new(async cancellationToken =>
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.DispatchPauses.AsNoTracking().ToListAsync(cancellationToken);
    }, MaxAge, clock);

    /// <summary>The pauses that hold now. While the snapshot is current this is a field read and a filter of a few rows.</summary>
    public async ValueTask<PauseState> CurrentAsync(CancellationToken cancellationToken = default)
    {
        var pauses = await _snapshot.GetAsync(cancellationToken);
        return pauses.Count == 0 ? PauseState.None : PauseState.From(pauses, clock.GetUtcNow());
    }

    /// <summary>The pauses that hold now, read from the store: the service's first, then functions by name.</summary>
    public async Task<IReadOnlyList<DispatchPauseRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var pauses = await db.DispatchPauses.AsNoTracking().ToListAsync(cancellationToken);
        return pauses.Where(p => p.HoldsAt(now)).OrderBy(p => p.FunctionName, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Pauses the service (<paramref name="functionName"/> null) or a registered function. Pausing what is already
    /// paused replaces its reason, author and resume time. FIELD_FORMAT for an empty or long reason or a resume time
    /// not in the future; RESOURCE_UNKNOWN for an unregistered function.
    /// </summary>
    public async Task<DispatchPauseRecord> PauseAsync(
        string? functionName, string reason, DateTimeOffset? resumeTimestamp, PausedBy by, CancellationToken cancellationToken = default)
    {
        reason = reason.Trim();
        if (reason.Length == 0) throw new ServiceException(ErrorCode.MissingRequiredFields, "A pause needs a reason.");
        if (reason.Length > DispatchPauseRecord.MaxReasonLength)
        {
            throw new ServiceException(ErrorCode.FieldFormat, $"The reason is longer than {DispatchPauseRecord.MaxReasonLength} characters.");
        }
        var now = clock.GetStoredNow();
        if (resumeTimestamp is { } resume && resume <= now)
        {
            throw new ServiceException(ErrorCode.FieldFormat, "resumeTimestamp must be in the future.");
        }
        if (functionName is not null && await functions.FindAsync(functionName, cancellationToken) is null)
        {
            throw UnknownFunction(functionName);
        }

        var scope = functionName ?? DispatchPauseRecord.ServiceScope;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pause = await db.DispatchPauses.SingleOrDefaultAsync(p => p.FunctionName == scope, cancellationToken);
        if (pause is null)
        {
            pause = new DispatchPauseRecord { FunctionName = scope };
            db.DispatchPauses.Add(pause);
        }
        pause.Reason = reason;
        pause.PausedByUserId = by.UserId;
        pause.PausedBy = by.Name;
        pause.PausedTimestamp = now;
        pause.ResumeTimestamp = resumeTimestamp?.ToStoredPrecision();
        try
        {
            await WriteGate.RunAsync(db, () => db.SaveChangesAsync(cancellationToken), cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // Paused at the same moment from another request: that pause stands.
            throw new ServiceException(ErrorCode.IllegalState, "It was paused by someone else at the same moment; read the pause and try again.");
        }
        Invalidate();
        audit?.Record(AuditActions.DispatchPause, "dispatch", functionName ?? "service",
            $"Paused dispatch for {Describe(scope)}: {reason}{(pause.ResumeTimestamp is { } until ? $" (until {until:O})" : "")}.",
            new { functionName, reason, resumeTimestamp = pause.ResumeTimestamp });
        logger.LogWarning("Dispatch paused for {Scope} by {PausedBy}: {Reason} (resumes {ResumeTimestamp})",
            Describe(scope), by.Name ?? by.UserId, reason, pause.ResumeTimestamp?.ToString("O") ?? "when resumed");
        return pause;
    }

    /// <summary>
    /// Ends the service's pause (<paramref name="functionName"/> null) or a function's, and wakes the dispatcher.
    /// Returns whether a pause held; RESOURCE_UNKNOWN for an unregistered function with no pause.
    /// </summary>
    public async Task<bool> ResumeAsync(string? functionName, PausedBy by, CancellationToken cancellationToken = default)
    {
        var scope = functionName ?? DispatchPauseRecord.ServiceScope;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var pause = await db.DispatchPauses.AsNoTracking().SingleOrDefaultAsync(p => p.FunctionName == scope, cancellationToken);
        if (pause is null && functionName is not null && await functions.FindAsync(functionName, cancellationToken) is null)
        {
            throw UnknownFunction(functionName);
        }
        if (pause is null) return false;
        await WriteGate.RunAsync(db, () => db.DispatchPauses.Where(p => p.FunctionName == scope).ExecuteDeleteAsync(cancellationToken), cancellationToken);
        Invalidate();
        signal.Wake();
        var held = pause.HoldsAt(now);
        audit?.Record(AuditActions.DispatchResume, "dispatch", functionName ?? "service", $"Resumed dispatch for {Describe(scope)}.");
        if (held) logger.LogWarning("Dispatch resumed for {Scope} by {ResumedBy}", Describe(scope), by.Name ?? by.UserId);
        return held;
    }

    private void Invalidate() => _snapshot.Invalidate();

    private static string Describe(string scope) => scope == DispatchPauseRecord.ServiceScope ? "the service" : $"function {scope}";

    private static ServiceException UnknownFunction(string name) => new(ErrorCode.ResourceUnknown, $"No function named {name}.");
}
