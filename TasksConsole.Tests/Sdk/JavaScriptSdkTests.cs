using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using TasksConsole.Tests.Infrastructure;
using Xunit.Abstractions;
using TasksConsole.Core.Data;

namespace TasksConsole.Tests.Sdk;

/// <summary>
/// The compatibility promise, tested the only way that counts: the unmodified <c>@extrahorizon/javascript-sdk</c>
/// running under node against the app on a real port. The scenario itself lives in
/// <c>Sdk/client/sdk-scenario.mjs</c>; this class provides the server and judges the outcome.
/// </summary>
public sealed class JavaScriptSdkTests(ITestOutputHelper output)
{
    private const string ClientFolder = "TasksConsole.Tests/Sdk/client";
    private const string SdkPackage = "@extrahorizon/javascript-sdk";
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task UnmodifiedJavaScriptSdk_PassesTheTasksScenario_AgainstALiveServer(StorageProvider provider)
    {
        var clientDirectory = FindClientDirectory();
        var nodeVersion = await RequireNodeAsync(clientDirectory);
        RequireInstalledSdk(clientDirectory);

        // A lifetime well under the SDK's 10 s refresh margin, so that the refresh checks do not wait long.
        await using var server = await LiveServer.StartAsync(new Dictionary<string, string?>
        {
            ["Auth:AccessTokenLifetime"] = "00:00:02",
        }, provider);

        var result = await RunNodeAsync(clientDirectory, ["sdk-scenario.mjs"], new Dictionary<string, string>
        {
            ["HOST"] = server.BaseAddress.GetLeftPart(UriPartial.Authority),
            ["CLIENT_ID"] = LiveServer.OAuthClientId,
            ["USERNAME"] = LiveServer.AdminEmail,
            ["PASSWORD"] = LiveServer.AdminPassword,
            // Kestrel listens on 127.0.0.1 only; node 17+ may resolve "localhost" to ::1 first and be refused.
            ["NODE_OPTIONS"] = "--dns-result-order=ipv4first",
        }, ScenarioTimeout);

        output.WriteLine($"node {nodeVersion}, server {server.BaseAddress}");
        output.WriteLine(result.Transcript);

        Assert.False(result.TimedOut, $"The SDK scenario did not finish within {ScenarioTimeout.TotalSeconds:0} s.\n{result.Transcript}");
        Assert.True(result.ExitCode == 0, $"The SDK scenario failed (exit code {result.ExitCode}).\n{result.Transcript}");
        var summary = ParseSummary(result.StandardOutput);
        Assert.True(summary is { Ok: true, Checks: > 0 },
            $"The SDK scenario exited 0 but did not end with {{\"ok\":true,\"checks\":N}}.\n{result.Transcript}");
    }

    internal static string FindClientDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TasksConsole.sln")))
            {
                return Path.Combine(directory.FullName, ClientFolder);
            }
        }
        Assert.Fail($"Could not find TasksConsole.sln above {AppContext.BaseDirectory}, so {ClientFolder} cannot be located.");
        return null!;
    }

    private static void RequireInstalledSdk(string clientDirectory)
    {
        var package = Path.Combine(clientDirectory, "node_modules", SdkPackage, "package.json");
        Assert.True(File.Exists(package),
            $"{SdkPackage} is not installed in {clientDirectory}. Run `npm ci` in {ClientFolder} " +
            "(bash .ci/run does this and every other install).");
    }

    private static async Task<string> RequireNodeAsync(string clientDirectory)
    {
        var result = await RunNodeAsync(clientDirectory, ["--version"], new Dictionary<string, string>(), TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"`node --version` failed.\n{result.Transcript}");
        return result.StandardOutput.Trim();
    }

    private static async Task<NodeResult> RunNodeAsync(
        string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception error)
        {
            Assert.Fail($"node is not installed or not on PATH ({error.Message}). Install Node.js 18 or later, " +
                $"then run `npm ci` in {ClientFolder}; bash .ci/run does both.");
            throw;
        }

        using (process)
        {
            // Read both streams while waiting: a full pipe would otherwise block the script.
            var standardOutput = process.StandardOutput.ReadToEndAsync();
            var standardError = process.StandardError.ReadToEndAsync();
            var timedOut = false;
            using (var cancellation = new CancellationTokenSource(timeout))
            {
                try
                {
                    await process.WaitForExitAsync(cancellation.Token);
                }
                catch (OperationCanceledException)
                {
                    timedOut = true;
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
            return new NodeResult(process.ExitCode, await standardOutput, await standardError, timedOut);
        }
    }

    private static ScenarioSummary? ParseSummary(string standardOutput)
    {
        var lastLine = standardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault();
        if (lastLine is null)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<ScenarioSummary>(lastLine, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record ScenarioSummary(bool Ok, int Checks);

    private sealed record NodeResult(int ExitCode, string StandardOutput, string StandardError, bool TimedOut)
    {
        public string Transcript => $"--- stdout ---\n{StandardOutput.TrimEnd()}\n--- stderr ---\n{StandardError.TrimEnd()}";
    }
}
