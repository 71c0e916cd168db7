namespace TasksConsole.Core.Data;

/// <summary>Which database holds the tasks: the embedded default, or a server that many nodes share.</summary>
public enum StorageProvider
{
    Sqlite,
    PostgreSql,
}

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>The connection string's name under <c>ConnectionStrings</c>; used by the PostgreSQL provider.</summary>
    public const string ConnectionStringName = "Tasks";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Where the SQLite files live; relative paths are taken from the app's content root.</summary>
    public string DataDirectory { get; set; } = "data";

    public string DatabaseFileName { get; set; } = "tasksconsole.db";

    /// <summary>
    /// When a SQLite commit reaches the disk. <see cref="SqliteSynchronous.Full"/>: before the caller is answered, so
    /// an acknowledged task survives a power loss too. <see cref="SqliteSynchronous.Normal"/>: when the kernel writes
    /// it back (a process crash still loses nothing, a power loss the last moments of commits), for less disk work.
    /// </summary>
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Full;

    public string ResolveDataDirectory(string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(DataDirectory) ? DataDirectory : Path.Combine(contentRoot, DataDirectory));
}

/// <summary>SQLite's <c>PRAGMA synchronous</c> levels that suit a WAL database.</summary>
public enum SqliteSynchronous
{
    Normal,
    Full,
}
