using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Audit;

namespace TasksConsole.Core.Functions;

/// <summary>
/// The function registry: shared by the REST API, the console and the demo seeder. Every change invalidates the
/// <see cref="IFunctionCatalog"/> once committed.
/// </summary>
public sealed class FunctionService(IDbContextFactory<TasksDbContext> dbFactory, TimeProvider clock, IFunctionCatalog catalog, AuditTrail? audit = null)
{
    public async Task<FunctionRecord> CreateAsync(FunctionDefinition definition, CancellationToken cancellationToken = default)
    {
        FunctionValidation.Validate(definition);
        var now = Now();
        var record = new FunctionRecord
        {
            Name = definition.Name,
            LambdaFunctionName = definition.Name,
            Enabled = true,
            CreationTimestamp = now,
            UpdateTimestamp = now,
        };
        definition.ApplyTo(record);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Functions.AnyAsync(f => f.Name == definition.Name, cancellationToken))
        {
            throw AlreadyExists(definition.Name);
        }
        db.Functions.Add(record);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // Another request registered the same name between the check and the insert.
            throw AlreadyExists(definition.Name);
        }
        catalog.Invalidate();
        audit?.Record(AuditActions.FunctionCreate, "function", record.Name, $"Registered function {record.Name}.");
        return record;
    }

    /// <summary>The function without its code, or null.</summary>
    public async Task<FunctionRecord?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Functions.AsNoTracking()
            .Where(f => f.Name == name)
            .Select(FunctionCatalog.WithoutCode)
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>The function without its code; RESOURCE_UNKNOWN when there is none.</summary>
    public async Task<FunctionRecord> GetAsync(string name, CancellationToken cancellationToken = default) =>
        await FindAsync(name, cancellationToken) ?? throw Unknown(name);

    /// <summary>Every function, without code, by name.</summary>
    public async Task<IReadOnlyList<FunctionRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Functions.AsNoTracking()
            .OrderBy(f => f.Name)
            .Select(FunctionCatalog.WithoutCode)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the current definition and stores the result if it is valid. The name
    /// cannot change. Returns 1 (the row is rewritten and its updateTimestamp moves even when no value changed,
    /// because the EXH CLI treats 0 as a failed sync).
    /// </summary>
    public async Task<int> UpdateAsync(string name, Func<FunctionDefinition, FunctionDefinition> change, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var record = await db.Functions.SingleOrDefaultAsync(f => f.Name == name, cancellationToken) ?? throw Unknown(name);

        var updated = change(FunctionDefinition.From(record));
        if (!string.Equals(updated.Name, name, StringComparison.Ordinal))
        {
            throw new ServiceException(ErrorCode.IllegalArgument,
                $"A function cannot be renamed: create '{updated.Name}' and delete '{name}' instead.");
        }
        FunctionValidation.Validate(updated);
        var before = FunctionDefinition.From(record);
        updated.ApplyTo(record);
        record.UpdateTimestamp = Now();
        await db.SaveChangesAsync(cancellationToken);
        catalog.Invalidate();
        var changedFields = FunctionDefinition.ChangedFields(before, updated);
        audit?.Record(AuditActions.FunctionUpdate, "function", name,
            $"Updated function {name}: {(changedFields.Count == 0 ? "nothing changed" : string.Join(", ", changedFields))}.",
            new { changed = changedFields });
        return 1;
    }

    /// <summary>Removes the function; its tasks, their logs and schedules naming it stay (EXH keeps tasks and logs).</summary>
    public async Task<int> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var deleted = await db.Functions.Where(f => f.Name == name).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0) throw Unknown(name);
        catalog.Invalidate();
        audit?.Record(AuditActions.FunctionDelete, "function", name, $"Deleted function {name}.");
        return deleted;
    }

    /// <summary>
    /// Enables or disables the function. Returns the number of rows that actually changed: 0 when it already was
    /// in that state (EXH calls that case a no-op), 1 otherwise; RESOURCE_UNKNOWN for an unknown name.
    /// </summary>
    public async Task<int> SetEnabledAsync(string name, bool enabled, CancellationToken cancellationToken = default)
    {
        var now = Now();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var changed = await db.Functions
            .Where(f => f.Name == name && f.Enabled != enabled)
            .ExecuteUpdateAsync(set => set
                .SetProperty(f => f.Enabled, enabled)
                .SetProperty(f => f.UpdateTimestamp, now), cancellationToken);
        if (changed == 0)
        {
            if (!await db.Functions.AnyAsync(f => f.Name == name, cancellationToken)) throw Unknown(name);
            return 0;
        }
        catalog.Invalidate();
        audit?.Record(enabled ? AuditActions.FunctionEnable : AuditActions.FunctionDisable, "function", name,
            $"{(enabled ? "Enabled" : "Disabled")} function {name}.");
        return changed;
    }

    /// <summary>True when no function is registered (a first start).</summary>
    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return !await db.Functions.AnyAsync(cancellationToken);
    }

    private DateTimeOffset Now() => clock.GetStoredNow();

    private static ServiceException Unknown(string name) =>
        new(ErrorCode.ResourceUnknown, $"No function named '{name}'.");

    private static ServiceException AlreadyExists(string name) =>
        new(ErrorCode.ResourceAlreadyExists, $"A function named '{name}' already exists.");
}
