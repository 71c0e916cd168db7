using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TasksConsole.Core.Data;

namespace TasksConsole.Core.Tasks;

/// <summary>
/// On PostgreSQL, folds the signed rows that the TaskTags triggers append (see the AnyTagCountDeltas migration) into
/// one row per tag and per pair, so that <see cref="AnyTagCount"/> sums a handful of rows however many creates ran.
/// </summary>
/// <remarks>
/// Each fold is one statement: it deletes the rows of every tag that has more than one and inserts their sum, so a
/// count, in any snapshot, sees the rows before or after it, never half. Every node runs it; two at once are safe,
/// since a row can be deleted only once and the second statement skips what the first took.
/// </remarks>
public sealed class TagCountCompactor(IDbContextFactory<TasksDbContext> dbFactory, TimeProvider clock, ILogger<TagCountCompactor> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    internal const string FoldTagsSql = """
        WITH "Busy" AS (SELECT "Tag" FROM "TagCountDeltas" GROUP BY "Tag" HAVING COUNT(*) > 1),
        "Moved" AS (DELETE FROM "TagCountDeltas" AS d USING "Busy" WHERE d."Tag" = "Busy"."Tag" RETURNING d."Tag", d."Delta")
        INSERT INTO "TagCountDeltas" ("Tag", "Delta")
        SELECT "Tag", SUM("Delta") FROM "Moved" GROUP BY "Tag" HAVING SUM("Delta") <> 0
        """;

    internal const string FoldPairsSql = """
        WITH "Busy" AS (SELECT "Tag1", "Tag2" FROM "TagPairCountDeltas" GROUP BY "Tag1", "Tag2" HAVING COUNT(*) > 1),
        "Moved" AS (DELETE FROM "TagPairCountDeltas" AS d USING "Busy" WHERE d."Tag1" = "Busy"."Tag1" AND d."Tag2" = "Busy"."Tag2"
                    RETURNING d."Tag1", d."Tag2", d."Delta")
        INSERT INTO "TagPairCountDeltas" ("Tag1", "Tag2", "Delta")
        SELECT "Tag1", "Tag2", SUM("Delta") FROM "Moved" GROUP BY "Tag1", "Tag2" HAVING SUM("Delta") <> 0
        """;

    /// <summary>Folds every tag's and pair's rows once.</summary>
    public async Task FoldAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync(FoldTagsSql, cancellationToken);
        await db.Database.ExecuteSqlRawAsync(FoldPairsSql, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await FoldAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Folding the tag counters failed; will retry in {Interval}", Interval);
            }
        }
    }
}
