namespace TasksConsole.Core.Data;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Where the SQLite files live; relative paths are taken from the app's content root.</summary>
    public string DataDirectory { get; set; } = "data";

    public string DatabaseFileName { get; set; } = "tasksconsole.db";

    public string ResolveDataDirectory(string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(DataDirectory) ? DataDirectory : Path.Combine(contentRoot, DataDirectory));
}
