namespace TasksConsole.Core.Data;

/// <summary>The resolved folder holding the SQLite files, for the features that keep their own files there.</summary>
public sealed record DataDirectory(string Path);
