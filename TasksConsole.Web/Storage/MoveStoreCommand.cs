using System.Globalization;
using TasksConsole.Core.Data;

namespace TasksConsole.Web.Storage;

/// <summary>
/// <c>dotnet TasksConsole.Web.dll migrate-store --from-sqlite &lt;data directory or file&gt; --to "&lt;connection
/// string&gt;" [--replace] [--batch-size N]</c>: moves an installation's SQLite store to PostgreSQL and exits, without
/// starting the app. Both stores are migrated first (the SQLite file to the running version's schema, the PostgreSQL
/// database from nothing), then <see cref="StoreMover"/> copies every table and compares the row counts.
/// </summary>
public static class MoveStoreCommand
{
    public const string Name = "migrate-store";

    private const string Usage =
        $"Usage: {Name} --from-sqlite <data directory or .db file> --to \"<PostgreSQL connection string>\" [--replace] [--batch-size N]";

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Name;

    /// <summary>Runs the command; returns the process exit code (0 moved, 1 refused or failed, 2 bad arguments).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (!TryParse(args.Skip(1).ToArray(), out var request, out var problem))
        {
            await error.WriteLineAsync(problem);
            await error.WriteLineAsync(Usage);
            return 2;
        }
        try
        {
            await using var source = await OpenStoreAsync(new Dictionary<string, string?>
            {
                ["Storage:Provider"] = nameof(StorageProvider.Sqlite),
                ["Storage:DataDirectory"] = Path.GetDirectoryName(request.SqliteFile),
                ["Storage:DatabaseFileName"] = Path.GetFileName(request.SqliteFile),
            });
            await using var target = await OpenStoreAsync(new Dictionary<string, string?>
            {
                ["Storage:Provider"] = nameof(StorageProvider.PostgreSql),
                [$"ConnectionStrings:{StorageOptions.ConnectionStringName}"] = request.Target,
            });
            await output.WriteLineAsync($"Moving {request.SqliteFile} to PostgreSQL (both stores migrated)...");
            var mover = new StoreMover(
                source.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<TasksDbContext>>(),
                target.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<TasksDbContext>>());
            var tables = await mover.MoveAsync(request.Replace, request.BatchSize);
            foreach (var table in tables) await output.WriteLineAsync($"  {table.Table}: {table.TargetRows} rows");
            await output.WriteLineAsync("Done: every table has as many rows in PostgreSQL as in the SQLite file.");
            return 0;
        }
        catch (StoreMoveException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return 1;
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or ArgumentException)
        {
            // A wrong connection string, an unreachable server, a file that is not a store: the message says which.
            await error.WriteLineAsync($"The move failed: {ex.Message}");
            return 1;
        }
    }

    private sealed record Request(string SqliteFile, string Target, bool Replace, int BatchSize);

    private static bool TryParse(string[] args, out Request request, out string problem)
    {
        request = null!;
        string? from = null, to = null;
        var replace = false;
        var batchSize = StoreMover.DefaultBatchSize;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--from-sqlite" when i + 1 < args.Length:
                    from = args[++i];
                    break;
                case "--to" when i + 1 < args.Length:
                    to = args[++i];
                    break;
                case "--replace":
                    replace = true;
                    break;
                case "--batch-size" when i + 1 < args.Length:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out batchSize) || batchSize < 1)
                    {
                        problem = $"--batch-size must be a positive whole number, not '{args[i]}'.";
                        return false;
                    }
                    break;
                default:
                    problem = $"Unknown or incomplete argument '{args[i]}'.";
                    return false;
            }
        }
        if (string.IsNullOrWhiteSpace(from) || string.IsNullOrWhiteSpace(to))
        {
            problem = "Both --from-sqlite and --to are required.";
            return false;
        }
        // A data directory holds the store under its default name; a file is the store itself.
        var file = Directory.Exists(from) ? Path.Combine(from, new StorageOptions().DatabaseFileName) : from;
        if (!File.Exists(file))
        {
            problem = $"No SQLite store at '{Path.GetFullPath(file)}'.";
            return false;
        }
        request = new Request(Path.GetFullPath(file), to, replace, batchSize);
        problem = "";
        return true;
    }

    /// <summary>The store services a node would have with <paramref name="settings"/>, migrated as a node migrates at start-up.</summary>
    private static async Task<ServiceProvider> OpenStoreAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddStorageCore();
        var services = builder.Services.BuildServiceProvider();
        try
        {
            await services.MigrateTasksStoreAsync();
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
        return services;
    }
}
