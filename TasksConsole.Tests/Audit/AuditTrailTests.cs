using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Audit;
using TasksConsole.Core.Rql;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Audit;

/// <summary>The trail's writer, reader and retention purge over a real store.</summary>
public sealed class AuditTrailTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private TestDatabase _database = null!;
    private AuditWriter _writer = null!;
    private AuditTrail _audit = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _writer = new AuditWriter(_database.Factory, NullLogger<AuditWriter>.Instance);
        _audit = new AuditTrail(_database.Factory, _writer, _clock);
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task AnEntry_CarriesTheCurrentActor_AndIsReadBackByRql()
    {
        using (AuditContext.Use(new AuditActor("u1", "ops@example.com", null, AuditSources.Console, "10.0.0.7")))
        {
            _audit.Record(AuditActions.FunctionDelete, "function", "resize", "Deleted function resize.");
        }
        _audit.Record(AuditActions.FunctionCreate, "function", "crop", "Registered function crop.");

        var page = await _audit.FindAsync(RqlParser.Parse("eq(action,function.delete)"));

        var entry = Assert.Single(page.Items);
        Assert.Equal(("ops@example.com", "u1", "console", "10.0.0.7", "resize"),
            (entry.ActorName, entry.ActorUserId, entry.Source, entry.RemoteAddress, entry.TargetId));
        Assert.Equal(1, page.Total);
        // Outside any request or console event, the service itself acts.
        var system = Assert.Single((await _audit.FindAsync(RqlParser.Parse("eq(action,function.create)"))).Items);
        Assert.Equal(("system", "system"), (system.ActorName, system.Source));
    }

    [Fact]
    public async Task ManyEntriesAtOnce_AreAllStored_AndStreamNewestFirst()
    {
        for (var i = 0; i < 2_500; i++)
        {
            _audit.Record(AuditActions.TaskCancel, "task", i.ToString("x24"), $"Canceled {i}.");
            if (i % 100 == 0) _clock.Advance(TimeSpan.FromSeconds(1));
        }

        var streamed = new List<AuditRecord>();
        await foreach (var entry in _audit.StreamAsync(filter: null, max: 10_000)) streamed.Add(entry);

        Assert.Equal(2_500, streamed.Count);
        Assert.Equal(streamed.Count, streamed.Select(e => e.Id).Distinct().Count());
        Assert.Equal(streamed.OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id, StringComparer.Ordinal).Select(e => e.Id), streamed.Select(e => e.Id));
    }

    [Fact]
    public async Task ThePurge_DeletesOnlyEntriesPastTheRetention_AndRecordsHowMany()
    {
        _audit.Record(AuditActions.FunctionCreate, "function", "old", "Old.");
        _clock.Advance(TimeSpan.FromDays(31));
        _audit.Record(AuditActions.FunctionCreate, "function", "recent", "Recent.");
        var retention = new AuditRetention(_database.Factory, _audit, Options.Create(new AuditOptions { Retention = TimeSpan.FromDays(30) }),
            _clock, NullLogger<AuditRetention>.Instance);
        await _writer.FlushAsync();

        var purged = await retention.PurgeAsync();

        Assert.Equal(1, purged);
        var left = (await _audit.FindAsync(RqlQuery.Empty)).Items;
        Assert.Equal(2, left.Count);
        Assert.Contains(left, e => e.TargetId == "recent");
        Assert.Contains(left, e => e.Action == AuditActions.AuditPurge && e.Summary.StartsWith("Purged 1 audit entry"));
    }

    [Fact]
    public async Task WithoutARetention_ThePurgeKeepsEverything()
    {
        _audit.Record(AuditActions.FunctionCreate, "function", "old", "Old.");
        _clock.Advance(TimeSpan.FromDays(3650));
        var retention = new AuditRetention(_database.Factory, _audit, Options.Create(new AuditOptions()), _clock, NullLogger<AuditRetention>.Instance);

        Assert.Equal(0, await retention.PurgeAsync());
        Assert.Single((await _audit.FindAsync(RqlQuery.Empty)).Items);
    }

    [Fact]
    public async Task AWriterStoppedWhileATryFailed_LogsTheEntryInFullAtOnce_InsteadOfTryingAgainLater()
    {
        // Writes fail for as long as the table is missing: the writer tries, fails, and pauses before its next try.
        await using (var db = _database.CreateContext()) await db.Database.ExecuteSqlRawAsync("DROP TABLE AuditEntries");
        var logs = new LogCapture();
        using var loggers = new LoggerFactory([logs]);
        var writer = new AuditWriter(_database.Factory, loggers.CreateLogger<AuditWriter>());
        writer.Enqueue(new AuditRecord
        {
            Id = "a1", Timestamp = Now, Action = AuditActions.FunctionCreate, ActorName = "ops@example.com", Source = AuditSources.Console,
            TargetType = "function", TargetId = "resize", Summary = "Registered function resize.",
        });
        await Poll.UntilAsync(() => logs.Entries.Any(e => e.Message.Contains("trying again")), TimeSpan.FromSeconds(10), "the first failed try");

        await writer.DisposeAsync();

        // Stopped during the pause: no further try, and the entry is in the log in full.
        Assert.Single(logs.Entries, e => e.Message.Contains("trying again"));
        var notStored = Assert.Single(logs.Entries, e => e.Message.StartsWith("Audit entry not stored", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Error, notStored.Level);
        Assert.Contains("Registered function resize.", notStored.Message);
    }
}
