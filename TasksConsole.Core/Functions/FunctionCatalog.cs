using System.Collections.Frozen;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;

namespace TasksConsole.Core.Functions;

/// <summary>
/// All registered functions as an in-memory snapshot, for hot paths (the dispatcher, task creation) that must
/// not query the store per task. Records are shared between callers: treat them as read-only. They carry no
/// <see cref="FunctionRecord.CodeBase64"/>.
/// </summary>
public interface IFunctionCatalog
{
    /// <summary>The function with this exact (case-sensitive) name, or null.</summary>
    ValueTask<FunctionRecord?> FindAsync(string name, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyDictionary<string, FunctionRecord>> GetAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Drops the snapshot; the next read loads a fresh one. <see cref="FunctionService"/> calls it after every change.</summary>
    void Invalidate();
}

/// <summary>
/// Reads are a field read and a dictionary lookup while the snapshot is current. It is reloaded after a change
/// made on this node (<see cref="Invalidate"/>) and at most <see cref="MaxAge"/> after it was loaded, which is
/// how changes made by another node sharing the store reach this one.
/// </summary>
public sealed class FunctionCatalog(IDbContextFactory<TasksDbContext> dbFactory, TimeProvider clock) : IFunctionCatalog
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    /// <summary>Everything but the code, which can be megabytes and is never needed to run a function.</summary>
    internal static readonly Expression<Func<FunctionRecord, FunctionRecord>> WithoutCode = f => new FunctionRecord
    {
        Name = f.Name,
        Description = f.Description,
        LambdaFunctionName = f.LambdaFunctionName,
        Qualifier = f.Qualifier,
        EntryPoint = f.EntryPoint,
        Runtime = f.Runtime,
        TimeLimitSeconds = f.TimeLimitSeconds,
        MemoryLimitMb = f.MemoryLimitMb,
        EnvironmentVariablesJson = f.EnvironmentVariablesJson,
        PermissionMode = f.PermissionMode,
        DefaultPriority = f.DefaultPriority,
        RetryEnabled = f.RetryEnabled,
        ErrorsToRetry = f.ErrorsToRetry,
        RetryDelaysSeconds = f.RetryDelaysSeconds,
        ConcurrencyLimit = f.ConcurrencyLimit,
        Enabled = f.Enabled,
        CreationTimestamp = f.CreationTimestamp,
        UpdateTimestamp = f.UpdateTimestamp,
    };

    private readonly StoreSnapshot<IReadOnlyDictionary<string, FunctionRecord>> _snapshot = new(async cancellationToken =>
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var functions = await db.Functions.AsNoTracking().Select(WithoutCode).ToListAsync(cancellationToken);
        return functions.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);
    }, MaxAge, clock);

    public async ValueTask<FunctionRecord?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        var functions = await GetAllAsync(cancellationToken);
        return functions.GetValueOrDefault(name);
    }

    public ValueTask<IReadOnlyDictionary<string, FunctionRecord>> GetAllAsync(CancellationToken cancellationToken = default) =>
        _snapshot.GetAsync(cancellationToken);

    public void Invalidate() => _snapshot.Invalidate();
}
