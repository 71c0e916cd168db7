using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace TasksConsole.Core.Data;

/// <summary>Rows of one table in the source and, after the move, in the target.</summary>
public sealed record MovedTable(string Table, long SourceRows, long TargetRows);

/// <summary>Why a move was refused or failed, in words for the operator.</summary>
public sealed class StoreMoveException(string message) : Exception(message);

/// <summary>
/// Copies every table of the model from one store to another (an installation's SQLite file to a PostgreSQL database),
/// through the same EF Core model the nodes use, so each provider's column types (timestamps, booleans, string lists)
/// are written as that provider stores them. Both stores must already be migrated. Tables are copied parents first,
/// each read as one stream and written in batches; identity sequences are moved past the copied ids; every table's row
/// count is compared at the end.
/// </summary>
public sealed class StoreMover(IDbContextFactory<TasksDbContext> source, IDbContextFactory<TasksDbContext> target)
{
    public const int DefaultBatchSize = 1000;

    /// <summary>Called after each batch with the table and the rows copied into it so far.</summary>
    public Action<string, long>? Progress { get; init; }

    /// <summary>
    /// Copies everything. A target holding any row (beyond what its migrations seed) is refused unless
    /// <paramref name="replace"/>, which deletes the target's rows first.
    /// </summary>
    public async Task<IReadOnlyList<MovedTable>> MoveAsync(bool replace, int batchSize = DefaultBatchSize, CancellationToken cancellationToken = default)
    {
        if (batchSize < 1) throw new StoreMoveException("The batch size must be at least 1.");
        await using var model = await target.CreateDbContextAsync(cancellationToken);
        var tables = ParentsFirst(model.Model);

        var occupied = new List<string>();
        // Seed data is only in the design-time model, not in the runtime one.
        var designTime = model.GetService<IDesignTimeModel>().Model;
        foreach (var table in tables.Where(t => !designTime.FindEntityType(t.Name)!.GetSeedData().Any()))
        {
            if (await CountAsync(target, table, cancellationToken) > 0) occupied.Add(table.GetTableName()!);
        }
        if (occupied.Count > 0 && !replace)
        {
            throw new StoreMoveException(
                $"The target store is not empty (rows in {string.Join(", ", occupied)}): nothing was copied. " +
                "Use --replace to delete the target's data and copy over it.");
        }

        // Children first, so no foreign key is left dangling; seeded rows go too, the source has its own.
        foreach (var table in Enumerable.Reverse(tables))
        {
            await using var db = await target.CreateDbContextAsync(cancellationToken);
            // Table names come from the model, never from input.
            var delete = $"DELETE FROM {Quote(table.GetTableName()!)}";
            await db.Database.ExecuteSqlRawAsync(delete, cancellationToken);
        }

        var moved = new List<MovedTable>();
        foreach (var table in tables)
        {
            await CopyTableAsync(table, batchSize, cancellationToken);
            await MoveIdentityPastCopiedIdsAsync(table, cancellationToken);
        }
        foreach (var table in tables)
        {
            var name = table.GetTableName()!;
            var counts = new MovedTable(name, await CountAsync(source, table, cancellationToken), await CountAsync(target, table, cancellationToken));
            if (counts.SourceRows != counts.TargetRows)
            {
                throw new StoreMoveException($"Table {name}: {counts.SourceRows} rows in the source but {counts.TargetRows} in the target after the copy.");
            }
            moved.Add(counts);
        }
        return moved;
    }

    /// <summary>Every table of the model, each after the tables its foreign keys point at.</summary>
    private static List<IEntityType> ParentsFirst(IModel model)
    {
        var remaining = model.GetEntityTypes().Where(t => t.GetTableName() is not null).OrderBy(t => t.GetTableName(), StringComparer.Ordinal).ToList();
        var ordered = new List<IEntityType>();
        while (remaining.Count > 0)
        {
            var next = remaining.First(t => t.GetForeignKeys().All(fk => fk.PrincipalEntityType == t || ordered.Contains(fk.PrincipalEntityType)));
            ordered.Add(next);
            remaining.Remove(next);
        }
        return ordered;
    }

    private static readonly MethodInfo CopyRowsMethod =
        typeof(StoreMover).GetMethod(nameof(CopyRowsAsync), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private static readonly MethodInfo CountRowsMethod =
        typeof(StoreMover).GetMethod(nameof(CountRowsAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    private Task CopyTableAsync(IEntityType table, int batchSize, CancellationToken cancellationToken) =>
        (Task)CopyRowsMethod.MakeGenericMethod(table.ClrType).Invoke(this, [table.GetTableName()!, batchSize, cancellationToken])!;

    private static Task<long> CountAsync(IDbContextFactory<TasksDbContext> store, IEntityType table, CancellationToken cancellationToken) =>
        (Task<long>)CountRowsMethod.MakeGenericMethod(table.ClrType).Invoke(null, [store, cancellationToken])!;

    private static async Task<long> CountRowsAsync<T>(IDbContextFactory<TasksDbContext> store, CancellationToken cancellationToken)
        where T : class
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        return await db.Set<T>().LongCountAsync(cancellationToken);
    }

    /// <summary>One read of the whole source table, streamed; each batch is one insert transaction on the target.</summary>
    private async Task CopyRowsAsync<T>(string tableName, int batchSize, CancellationToken cancellationToken)
        where T : class
    {
        await using var reader = await source.CreateDbContextAsync(cancellationToken);
        var batch = new List<T>(batchSize);
        long copied = 0;
        await foreach (var row in reader.Set<T>().AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            batch.Add(row);
            if (batch.Count < batchSize) continue;
            copied += await WriteAsync(batch, cancellationToken);
            Progress?.Invoke(tableName, copied);
        }
        if (batch.Count > 0) copied += await WriteAsync(batch, cancellationToken);
        Progress?.Invoke(tableName, copied);
    }

    private async Task<int> WriteAsync<T>(List<T> batch, CancellationToken cancellationToken)
        where T : class
    {
        await using var db = await target.CreateDbContextAsync(cancellationToken);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        db.Set<T>().AddRange(batch);
        await db.SaveChangesAsync(cancellationToken);
        var count = batch.Count;
        batch.Clear();
        return count;
    }

    /// <summary>
    /// Rows were copied with their ids, which a PostgreSQL identity column does not count: its sequence moves past the
    /// largest copied id, so the next row a node inserts gets a new one. SQLite needs nothing (it takes max + 1).
    /// </summary>
    private async Task MoveIdentityPastCopiedIdsAsync(IEntityType table, CancellationToken cancellationToken)
    {
        await using var db = await target.CreateDbContextAsync(cancellationToken);
        if (!db.Database.IsNpgsql()) return;
        if (table.FindPrimaryKey()?.Properties is not [var id] || id.ValueGenerated != ValueGenerated.OnAdd) return;
        var type = Nullable.GetUnderlyingType(id.ClrType) ?? id.ClrType;
        if (type != typeof(int) && type != typeof(long)) return;
        var tableName = table.GetTableName()!;
        var column = id.GetColumnName();
        var moveSequence =
            $"SELECT setval(pg_get_serial_sequence('{Quote(tableName)}', '{column}'), COALESCE(MAX({Quote(column)}), 0) + 1, false) FROM {Quote(tableName)}";
        await db.Database.ExecuteSqlRawAsync(moveSequence, cancellationToken);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
