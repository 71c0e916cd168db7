using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Data;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Schedules;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Tests.Infrastructure;

/// <summary>
/// The Core services of one node (no web host) over a migrated SQLite file (or PostgreSQL database). Several nodes built on the same
/// <see cref="StoreNode.Directory"/> share the database as separate app instances would; the first one owns
/// the files and deletes them on dispose, so dispose it last (<c>await using</c> does, in reverse order).
/// </summary>
public sealed class StoreNode : IAsyncDisposable
{
    private const string DatabaseFileName = "tasks.db";
    private readonly bool _ownsDirectory;

    private readonly string? _postgresConnectionString;
    private readonly PostgresDatabase? _ownedPostgres;

    private StoreNode(
        ServiceProvider services, string directory, FakeTimeProvider clock, bool ownsDirectory,
        string? postgresConnectionString, PostgresDatabase? ownedPostgres)
    {
        Services = services;
        Directory = directory;
        Clock = clock;
        _ownsDirectory = ownsDirectory;
        _postgresConnectionString = postgresConnectionString;
        _ownedPostgres = ownedPostgres;
    }

    public StorageProvider Provider => _postgresConnectionString is null ? StorageProvider.Sqlite : StorageProvider.PostgreSql;

    public ServiceProvider Services { get; }
    public string Directory { get; }
    public FakeTimeProvider Clock { get; }

    public TaskService Tasks => Services.GetRequiredService<TaskService>();
    public FunctionService Functions => Services.GetRequiredService<FunctionService>();
    public IFunctionCatalog Catalog => Services.GetRequiredService<IFunctionCatalog>();
    public ScheduleService Schedules => Services.GetRequiredService<ScheduleService>();

    /// <summary>A node over a new database, or over <paramref name="directory"/>'s when given (another node of the same store).</summary>
    public static async Task<StoreNode> StartAsync(
        FakeTimeProvider? clock = null, string? directory = null, StorageProvider provider = StorageProvider.Sqlite)
    {
        var postgres = provider == StorageProvider.PostgreSql ? await PostgresServer.CreateDatabaseAsync("node") : null;
        return await StartAsync(clock, directory, postgres?.ConnectionString, postgres);
    }

    /// <summary>Another node over this node's store (its file, or its PostgreSQL database) and clock.</summary>
    public Task<StoreNode> StartPeerAsync() => StartAsync(Clock, Directory, _postgresConnectionString, ownedPostgres: null);

    private static async Task<StoreNode> StartAsync(
        FakeTimeProvider? clock, string? directory, string? postgresConnectionString, PostgresDatabase? ownedPostgres)
    {
        clock ??= new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
        var ownsDirectory = directory is null;
        directory ??= Path.Combine(Path.GetTempPath(), "tasksconsole-tests", Guid.NewGuid().ToString("N"));
        var builder = postgresConnectionString is null
            ? CoreBuilder.WithStoreAt(directory, DatabaseFileName)
            : CoreBuilder.Create(new Dictionary<string, string?>(CoreBuilder.StoreSettings(postgresConnectionString))
            {
                ["Storage:DataDirectory"] = directory,
            });
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddStorageCore().AddTasksCore().AddFunctionsCore().AddSchedulesCore();
        builder.Services.AddSingleton<ScheduleFiringService>();
        var services = builder.Services.BuildServiceProvider();
        await services.MigrateTasksStoreAsync();
        return new StoreNode(services, directory, clock, ownsDirectory, postgresConnectionString, ownedPostgres);
    }

    /// <summary>This node's firing loop, not started; call <c>FireDueAsync</c> or start it as a hosted service.</summary>
    public ScheduleFiringService Firing => Services.GetRequiredService<ScheduleFiringService>();

    public async Task<List<TaskRecord>> TasksOfScheduleAsync(string scheduleId)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync();
        return (await db.Tasks.AsNoTracking().Where(t => t.ScheduleId == scheduleId).ToListAsync())
            .OrderBy(t => t.StartTimestamp).ToList();
    }

    public async Task<ScheduleRecord> ReloadAsync(ScheduleRecord schedule) =>
        (await Schedules.FindByIdAsync(schedule.Id))!;

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (_ownedPostgres is not null) await _ownedPostgres.DisposeAsync();
        if (!_ownsDirectory) return;
        SqliteConnection.ClearAllPools();
        try
        {
            if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans the temp folder eventually.
        }
    }
}
