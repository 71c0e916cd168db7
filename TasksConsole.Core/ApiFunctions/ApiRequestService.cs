using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Execution;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Core.ApiFunctions;

/// <summary>A page of API requests with the paging values actually applied (the SDK's pager depends on them).</summary>
public sealed record ApiRequestPage(IReadOnlyList<ApiRequestRecord> Requests, long? Total, int Offset, int Limit);

/// <summary>Stores API requests with their log lines, and reads them back (RQL lists, one by id, its logs).</summary>
public sealed class ApiRequestService(IDbContextFactory<TasksDbContext> dbFactory, ApiRequestFeed feed)
{
    public Task RecordAsync(ApiFunctionAnswer answer, CancellationToken cancellationToken = default) => RecordAsync([answer], cancellationToken);

    /// <summary>Stores the requests and their log lines in one transaction, then announces each of them.</summary>
    public async Task RecordAsync(IReadOnlyList<ApiFunctionAnswer> answers, CancellationToken cancellationToken = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            foreach (var answer in answers)
            {
                var record = answer.Record;
                db.ApiRequests.Add(record);
                if (string.IsNullOrEmpty(answer.LogTail)) continue;
                foreach (var (timestamp, message) in OutcomeWriter.LogLines(answer.LogTail, record.Timestamp))
                {
                    db.ApiRequestLogLines.Add(new ApiRequestLogLine { ApiRequestId = record.Id, Timestamp = timestamp, Message = message + "\n" });
                }
            }
            await WriteGate.RunAsync(db, () => db.SaveChangesAsync(cancellationToken), cancellationToken);
        }
        foreach (var answer in answers) feed.Publish(answer.Record);
    }

    public async Task<ApiRequestPage> FindAsync(RqlQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Paged exactly like tasks: the same default and maximum limit.
        var page = await db.ApiRequests.PageAsync(query, ApiRequestRqlFields.Map, TaskQueries.DefaultLimit, TaskQueries.MaxLimit, cancellationToken);
        return new ApiRequestPage(page.Items, page.Total, page.Offset, page.Limit);
    }

    public async Task<ApiRequestRecord?> FindByIdAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!ObjectId.IsValid(id)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ApiRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
    }

    /// <summary>The request; ID_FORMAT for a malformed id, RESOURCE_UNKNOWN for an unknown one.</summary>
    public async Task<ApiRequestRecord> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        TaskService.EnsureId(id);
        return await FindByIdAsync(id, cancellationToken) ?? throw Unknown(id);
    }

    /// <summary>The newest requests of one function, for its page.</summary>
    public async Task<IReadOnlyList<ApiRequestRecord>> RecentAsync(string functionName, int count, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ApiRequests.AsNoTracking()
            .Where(r => r.FunctionName == functionName)
            .OrderByDescending(r => r.Timestamp).ThenByDescending(r => r.Id)
            .Take(count)
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ApiRequestLogLine>> GetLogsAsync(
        string id, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default)
    {
        TaskService.EnsureId(id);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.ApiRequests.AnyAsync(r => r.Id == id, cancellationToken)) throw Unknown(id);
        var lines = db.ApiRequestLogLines.AsNoTracking().Where(l => l.ApiRequestId == id);
        if (since is { } from) lines = lines.Where(l => l.Timestamp >= from);
        return await lines.OrderBy(l => l.Timestamp).ThenBy(l => l.Id).Take(limit).ToListAsync(cancellationToken);
    }

    private static ServiceException Unknown(string id) => new(ErrorCode.ResourceUnknown, $"No API request with id {id}.");
}

/// <summary>
/// Announces each recorded API request to this node's console pages, so the requests list refreshes as calls
/// arrive. In-process only: a page on another node sees them on its next refresh.
/// </summary>
public sealed class ApiRequestFeed
{
    public event Action<ApiRequestRecord>? Recorded;

    public void Publish(ApiRequestRecord record) => Recorded?.Invoke(record);
}
