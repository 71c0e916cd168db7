using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Audit;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Execution.LocalRuntime;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Storage;

namespace TasksConsole.Tests.ScaleOut;

/// <summary>
/// An installation's SQLite store, filled through the API and run by its engine, moved by the real command to a real
/// PostgreSQL database; a node on that database then answers every read as the SQLite node did.
/// </summary>
public sealed class StoreMoveTests
{
    private const string UsersRead = "/admin/v1/users";

    private static readonly string[] ReadsToCompare =
    [
        "/tasks/v1/?sort(+creationTimestamp)&limit(100)",
        "/tasks/v1/functions/",
        "/tasks/v1/schedules",
        UsersRead,
        "/admin/v1/tokens",
    ];

    [Fact]
    public async Task The_migrate_store_command_moves_a_sqlite_installation_to_postgresql_and_every_read_answers_the_same()
    {
        var installation = Path.Combine(Path.GetTempPath(), "tasksconsole-move", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(installation);
        await using var target = await PostgresServer.CreateDatabaseAsync("move");
        try
        {
            // The installation, used: tasks run (log lines, a failure and its event), tags, a schedule, a user, an API token.
            Dictionary<string, string> before;
            string apiToken;
            List<string> taskIds;
            await using (var sqliteNode = new TasksConsoleFactory())
            {
                var admin = await sqliteNode.CreateClientAsync(Role.Admin);
                taskIds =
                [
                    await CreateTaskAsync(admin, new { functionName = LocalDemoFunctions.Echo, data = new { moved = "yes" }, tags = new[] { "moving", "echo" }, priority = 7 }),
                    await CreateTaskAsync(admin, new { functionName = LocalDemoFunctions.Fail, data = new { errorName = "MoveFailure" }, tags = new[] { "moving" } }),
                    await CreateTaskAsync(admin, new { functionName = LocalDemoFunctions.Echo, startTimestamp = DateTimeOffset.UtcNow.AddDays(1) }),
                ];
                await Poll.UntilAsync(async () =>
                {
                    var page = await admin.GetFromJsonAsync<JsonElement>("/tasks/v1/?in(status,new,inProgress)&limit(10)");
                    return page.GetProperty("data").GetArrayLength() == 1;
                }, TimeSpan.FromSeconds(60), "the two due tasks to finish");
                var schedule = await admin.PostAsJsonAsync("/tasks/v1/schedules", new { functionName = LocalDemoFunctions.Echo, interval = 3600, startTimestamp = DateTimeOffset.UtcNow.AddHours(1) });
                Assert.True(schedule.IsSuccessStatusCode, await schedule.Content.ReadAsStringAsync());
                await sqliteNode.EnsureUserAsync("viewer@move.test", TasksConsoleFactory.UserPassword, Role.Viewer);
                var token = await admin.PostAsJsonAsync("/admin/v1/tokens", new { name = "automation" });
                apiToken = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;

                before = await ReadAllAsync(admin, taskIds);
                // A consistent copy of the store as the node stops: what an operator moves is a stopped node's file.
                await using var connection = new SqliteConnection($"Data Source={Path.Combine(sqliteNode.DataDirectory, "tasksconsole.db")}");
                await connection.OpenAsync();
                await using var vacuum = connection.CreateCommand();
                vacuum.CommandText = $"VACUUM INTO '{Path.Combine(installation, "tasksconsole.db")}'";
                await vacuum.ExecuteNonQueryAsync();
            }

            var (exitCode, output) = await RunCommandAsync("migrate-store", "--from-sqlite", installation, "--to", target.ConnectionString, "--batch-size", "2");
            Assert.True(exitCode == 0, output);
            Assert.Contains("TaskLogLines:", output);

            await using var postgresNode = new TasksConsoleFactory();
            foreach (var (key, value) in CoreBuilder.StoreSettings(target.ConnectionString)) postgresNode.Settings[key] = value;
            postgresNode.Settings["Execution:DispatcherEnabled"] = "false";
            var adminAfter = await postgresNode.CreateClientAsync(Role.Admin);
            var after = await ReadAllAsync(adminAfter, taskIds);
            foreach (var (read, body) in before) Assert.Equal((read, body), (read, after[read]));

            // The user's password and the API token moved with them.
            await postgresNode.GetTokensAsync("viewer@move.test", TasksConsoleFactory.UserPassword);
            using var withToken = postgresNode.CreateBearerClient(apiToken);
            Assert.Equal(HttpStatusCode.OK, (await withToken.GetAsync("/tasks/v1/")).StatusCode);
            // New rows get new ids after the copied ones (the log lines' identity moved past them).
            var created = await CreateTaskAsync(adminAfter, new { functionName = LocalDemoFunctions.Echo });
            Assert.DoesNotContain(created, taskIds);

            // The node's last audit entries (its sign-ins) are stored in the background: let them land before the
            // copy below counts rows, as they would on a node stopped for a move.
            await postgresNode.Services.GetRequiredService<AuditWriter>().FlushAsync();

            // A second move onto the now used database is refused, and replaces it with --replace.
            var (refusedCode, refused) = await RunInProcessAsync("--from-sqlite", installation, "--to", target.ConnectionString);
            Assert.Equal(1, refusedCode);
            Assert.Contains("--replace", refused);
            var (replacedCode, replaced) = await RunInProcessAsync("--from-sqlite", installation, "--to", target.ConnectionString, "--replace");
            Assert.True(replacedCode == 0, replaced);
            var afterReplace = await ReadAllAsync(adminAfter, taskIds);
            Assert.Equal(before[ReadsToCompare[0]], afterReplace[ReadsToCompare[0]]);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(installation, recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "--to", "Host=nowhere" }, "Both --from-sqlite and --to are required.")]
    [InlineData(new[] { "--from-sqlite", "/no/such/store.db", "--to", "Host=nowhere" }, "No SQLite store at")]
    [InlineData(new[] { "--from-sqlite", ".", "--to", "x", "--batch-size", "0" }, "--batch-size must be a positive whole number")]
    [InlineData(new[] { "--from", "x" }, "Unknown or incomplete argument '--from'")]
    public async Task Bad_arguments_are_refused_with_the_usage(string[] args, string message)
    {
        var (exitCode, output) = await RunInProcessAsync(args);
        Assert.Equal(2, exitCode);
        Assert.Contains(message, output);
        Assert.Contains("Usage: migrate-store", output);
    }

    private static async Task<string> CreateTaskAsync(HttpClient client, object task)
    {
        var response = await client.PostAsJsonAsync("/tasks/v1/", task);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The answers to the reads, by read; the tasks' log lines too.</summary>
    private static async Task<Dictionary<string, string>> ReadAllAsync(HttpClient client, IEnumerable<string> taskIds)
    {
        var reads = ReadsToCompare.Concat(taskIds.Select(id => $"/tasks/v1/{id}/logs"));
        var answers = new Dictionary<string, string>();
        foreach (var read in reads)
        {
            var response = await client.GetAsync(read);
            Assert.True(response.IsSuccessStatusCode, $"{read}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var body = await response.Content.ReadAsStringAsync();
            answers[read] = read == UsersRead ? WithoutSignInTimes(body) : body;
        }
        return answers;
    }

    /// <summary>Signing in to read through the API moves the admin's last sign-in; everything else must stay.</summary>
    private static string WithoutSignInTimes(string users)
    {
        var list = System.Text.Json.Nodes.JsonNode.Parse(users)!;
        foreach (var user in list["data"]!.AsArray()) user!.AsObject().Remove("lastSignInTimestamp");
        return list.ToJsonString();
    }

    private static async Task<(int ExitCode, string Output)> RunInProcessAsync(params string[] args)
    {
        using var output = new StringWriter();
        var exitCode = await MoveStoreCommand.RunAsync([MoveStoreCommand.Name, .. args], output, output);
        return (exitCode, output.ToString());
    }

    /// <summary>The command as an operator runs it: <c>dotnet TasksConsole.Web.dll migrate-store …</c>.</summary>
    private static async Task<(int ExitCode, string Output)> RunCommandAsync(params string[] args)
    {
        using var process = Process.Start(AppNodeProcess.WebAppStartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"migrate-store did not finish within 3 minutes: {await stdout} {await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
