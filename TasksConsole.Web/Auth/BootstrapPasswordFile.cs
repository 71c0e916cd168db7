using TasksConsole.Core.Data;

namespace TasksConsole.Web.Auth;

/// <summary>
/// Where a generated bootstrap admin password is handed over: a file in the data directory that only the service's
/// user can read, instead of a log line that log shippers would copy elsewhere.
/// </summary>
public static class BootstrapPasswordFile
{
    public const string FileName = "bootstrap-admin-password.txt";

    public static string PathIn(DataDirectory dataDirectory) => Path.Combine(dataDirectory.Path, FileName);

    public static void Write(string path, string password)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // A file left by an earlier installation may be readable by others; a new one is created with our mode.
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Set at creation, so there is no moment when the file exists with wider rights (0600).
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var writer = new StreamWriter(new FileStream(path, options));
        writer.WriteLine(password);
    }
}
