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

    public string ResolveDataDirectory(string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(DataDirectory) ? DataDirectory : Path.Combine(contentRoot, DataDirectory));
}
