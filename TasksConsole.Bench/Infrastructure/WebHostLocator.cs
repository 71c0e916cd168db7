using System.Reflection;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>Finds the built server (<c>TasksConsole.Web.dll</c>) to run as a separate process.</summary>
internal static class WebHostLocator
{
    public const string AssemblyName = "TasksConsole.Web.dll";

    /// <summary>
    /// The Web project's own output comes first: it is complete (content files, static asset manifests), while
    /// the copy next to a referencing project is whatever MSBuild chose to bring along. The copy next to the
    /// bench is the fallback for a bench that was moved away from the source tree.
    /// </summary>
    public static string Find()
    {
        var candidates = new List<string>();
        var configuration = typeof(WebHostLocator).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var framework = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TasksConsole.sln")))
            {
                candidates.Add(Path.Combine(directory.FullName, "TasksConsole.Web", "bin", configuration, framework, AssemblyName));
                break;
            }
        }
        candidates.Add(Path.Combine(AppContext.BaseDirectory, AssemblyName));

        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate) && File.Exists(Path.ChangeExtension(candidate, ".runtimeconfig.json"))) return candidate;
        }
        throw new FileNotFoundException(
            $"{AssemblyName} (with its runtimeconfig.json) was not found; build the solution first. Looked in: {string.Join(", ", candidates)}");
    }

    /// <summary>The <c>dotnet</c> host: the CLI names itself in DOTNET_HOST_PATH for the processes it starts.</summary>
    public static string DotnetHost()
    {
        var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli)) return fromCli;
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, "dotnet"))) return Path.Combine(root, "dotnet");
        return "dotnet";
    }
}
