namespace TasksConsole.Bench.Infrastructure;

/// <summary>A fresh folder under the system temp path, deleted on dispose or when the process is stopped.</summary>
internal sealed class TempDirectory : IDisposable
{
    private readonly IDisposable cleanup;

    private TempDirectory(string path)
    {
        Path = path;
        cleanup = CleanupRegistry.Register(() => DeleteWithRetry(path));
    }

    public string Path { get; }

    public static TempDirectory Create(string purpose)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"tasksconsole-bench-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return new TempDirectory(path);
    }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => cleanup.Dispose();

    /// <summary>The server may still be closing its SQLite files for a moment after it was killed.</summary>
    private static void DeleteWithRetry(string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 5)
            {
                Thread.Sleep(200);
            }
        }
    }
}
