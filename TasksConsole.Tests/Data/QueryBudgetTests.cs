using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Tasks.Search;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Data;

/// <summary>A read past its time budget is stopped in the store and answered with INVALID_RQL; the connection stays usable.</summary>
public class QueryBudgetTests : IAsyncLifetime
{
    protected virtual StorageProvider Provider => StorageProvider.Sqlite;

    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(Provider);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    /// <summary>A statement that never ends by itself: only the budget can stop it.</summary>
    private string EndlessSql => Provider == StorageProvider.Sqlite
        ? "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT COUNT(*) AS \"Value\" FROM n"
        : "SELECT 1::bigint AS \"Value\" FROM pg_sleep(600)";

    [Fact(Timeout = 60_000)]
    public async Task AnEndlessRead_IsStoppedAtItsBudget_WithInvalidRql_AndTheStoreAnswersAfterwards()
    {
        await using (var db = await _database.Factory.CreateDbContextAsync())
        {
            var error = await Assert.ThrowsAsync<ServiceException>(() => QueryBudget.RunAsync(db, TimeSpan.FromMilliseconds(300),
                budget => db.Database.SqlQueryRaw<long>(EndlessSql).SingleAsync(budget), CancellationToken.None));

            Assert.Equal(ErrorCode.InvalidRql, error.Error);
            Assert.Contains("time budget of 0.3 s", error.Message);
        }

        // The stopped connection went back to the pool; the next reads on it are not interrupted.
        for (var i = 0; i < 3; i++)
        {
            await using var db = await _database.Factory.CreateDbContextAsync();
            Assert.Equal(0, await QueryBudget.RunAsync(db, TimeSpan.FromSeconds(30), budget => db.Tasks.CountAsync(budget), CancellationToken.None));
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task TheCallerGivingUp_IsACancellation_NotABudgetError()
    {
        await using var db = await _database.Factory.CreateDbContextAsync();
        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var error = await Record.ExceptionAsync(() => QueryBudget.RunAsync(db, TimeSpan.FromMinutes(5),
            budget => db.Database.SqlQueryRaw<long>(EndlessSql).SingleAsync(budget), caller.Token));

        Assert.IsNotType<ServiceException>(error);
        Assert.NotNull(error);
    }

    [Fact(Timeout = 60_000)]
    public async Task AnExpensiveTaskFilter_AnswersInvalidRql_InsteadOfRunningOn()
    {
        var clock = TimeProvider.System;
        var tasks = new TaskService(_database.Factory, clock, new TaskChangeFeed(), new FunctionCatalog(_database.Factory, clock));
        await StoredTasks.AddAsync(_database.Factory, tasks, 5_000, new NewTask("report", """{"customer":"c-1"}"""), TaskState.Complete);
        var queries = new TaskQueries(_database.Factory, Options.Create(new TaskSearchOptions { QueryTimeBudget = TimeSpan.FromMilliseconds(1) }));
        // The shape a hostile viewer can send: dozens of substring searches inside every task's data, with the exact
        // total. It reads each row's JSON dozens of times (about half a second unlimited), so it runs far past a 1 ms
        // budget even when the budget's timer fires late on a busy machine. Names and users alone were answered too
        // quickly: the read could end before the timer fired.
        var filter = "or(" + string.Join(",", Enumerable.Range(0, 60).Select(i => $"like(data.customer,no-such-{i})")) + ")";

        var error = await Assert.ThrowsAsync<ServiceException>(() => queries.FindAsync(RqlParser.Parse(filter)));

        Assert.Equal(ErrorCode.InvalidRql, error.Error);
        Assert.Contains("time budget", error.Message);
        var unlimited = new TaskQueries(_database.Factory, Options.Create(new TaskSearchOptions { QueryTimeBudget = TimeSpan.Zero }));
        Assert.Equal(0, (await unlimited.FindAsync(RqlParser.Parse(filter))).Total);
    }
}

public sealed class PostgreSqlQueryBudgetTests : QueryBudgetTests
{
    protected override StorageProvider Provider => StorageProvider.PostgreSql;
}
