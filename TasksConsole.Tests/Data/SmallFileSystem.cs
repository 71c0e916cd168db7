using System.Diagnostics;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Data;

/// <summary>
/// A small file system of the test's own, mounted on a fresh directory, to put the store on a disk that fills up or
/// turns read-only. Mounting needs root (CAP_SYS_ADMIN): without it <see cref="MountTmpfsAsync"/> and
/// <see cref="MountExt4Async"/> throw saying so, so a test that needs the fault fails instead of passing untested.
/// Dispose unmounts, whatever state the test left it in.
/// </summary>
public sealed class SmallFileSystem : IAsyncDisposable
{
    private const string FillerName = "filler.bin";

    private readonly string? _image;
    // Mount points given up by RemountAsync, removed on dispose.
    private readonly List<string> _formerPaths = [];

    private SmallFileSystem(string path, string? image)
    {
        Path = path;
        _image = image;
    }

    /// <summary>The mount point (a new one after <see cref="RemountAsync"/>).</summary>
    public string Path { get; private set; }

    /// <summary>A size-limited tmpfs: writes past the limit fail with ENOSPC, and freeing space makes them work again.</summary>
    public static async Task<SmallFileSystem> MountTmpfsAsync(int megabytes)
    {
        var path = NewMountPoint();
        await MountOrFailAsync(path, "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0755", "tmpfs", path);
        return new SmallFileSystem(path, null);
    }

    /// <summary>
    /// An ext4 file system in an image file on a loop device, mounted with <c>errors=remount-ro</c>: a reported file
    /// system error (<see cref="TurnReadOnlyAsync"/>) makes the kernel switch it to read-only while files stay open,
    /// which a plain <c>mount -o remount,ro</c> refuses to do (EBUSY) while SQLite holds its files open for writing.
    /// </summary>
    public static async Task<SmallFileSystem> MountExt4Async(int megabytes)
    {
        var path = NewMountPoint();
        var image = path + ".img";
        await using (var file = File.Create(image)) file.SetLength(megabytes * 1024L * 1024);
        try
        {
            await RunAsync("mkfs.ext4", "-q", "-F", image);
            await MountOrFailAsync(path, "-o", "loop,errors=remount-ro", image, path);
        }
        catch
        {
            File.Delete(image);
            throw;
        }
        return new SmallFileSystem(path, image);
    }

    /// <summary>Writes a filler file until the file system refuses more; returns its size.</summary>
    public async Task<long> FillAsync()
    {
        var chunk = new byte[64 * 1024];
        Random.Shared.NextBytes(chunk);
        long written = 0;
        await using var filler = new FileStream(System.IO.Path.Combine(Path, FillerName), FileMode.Append, FileAccess.Write, FileShare.None, 1);
        // Large writes first, then small ones, so the last few free blocks go too.
        foreach (var size in new[] { chunk.Length, 4096, 512 })
        {
            while (true)
            {
                try
                {
                    await filler.WriteAsync(chunk.AsMemory(0, size));
                    await filler.FlushAsync();
                    written += size;
                }
                catch (IOException)
                {
                    break;
                }
            }
        }
        return written;
    }

    /// <summary>Deletes the filler: the space is back.</summary>
    public void Free() => File.Delete(System.IO.Path.Combine(Path, FillerName));

    /// <summary>Writes the file system's dirty pages to its disk (syncfs), as the kernel's writeback does within seconds.</summary>
    public Task SyncAsync() => RunAsync("sync", "-f", Path);

    /// <summary>Reports an error on the ext4 file system, which then turns read-only as it would on a failing disk.</summary>
    public async Task TurnReadOnlyAsync()
    {
        if (_image is null) throw new InvalidOperationException("Only the ext4 file system can turn read-only under open files.");
        var device = (await RunAsync("findmnt", "-n", "-o", "SOURCE", Path)).Trim();
        await File.WriteAllTextAsync($"/sys/fs/ext4/{System.IO.Path.GetFileName(device)}/trigger_fs_error", "store fault test");
        // Recent kernels refuse writes (EROFS) without listing the mount as ro, so ask the file system itself.
        await Poll.UntilAsync(() =>
        {
            try
            {
                File.WriteAllText(System.IO.Path.Combine(Path, "probe"), "");
                return false;
            }
            catch (IOException)
            {
                return true;
            }
        }, TimeSpan.FromSeconds(5), $"{Path} to turn read-only");
    }

    /// <summary>
    /// Unmounts, checks and mounts the ext4 image again, as an operator does after a read-only incident, on a new
    /// mount point (<see cref="Path"/> changes). The app that met the fault ran in this process: anything of it still
    /// finishing that opened the store by its old path between unmount and mount would create an empty database in
    /// the bare directory, keep it open, and, once the image is back on top, take the real database's write-ahead log
    /// (opened by name beside it) for its own and delete it. A process that restarts after the incident has no such
    /// leftovers; a new path gives the app started next in this one none either.
    /// </summary>
    public async Task RemountAsync()
    {
        if (_image is null) throw new InvalidOperationException("Only the ext4 file system is remounted from its image.");
        await UnmountAsync();
        // The reported error is recorded in the superblock; a check clears it before the file system is used again.
        // e2fsck exits 1 when it corrected something, which is the point here.
        await RunAsync("e2fsck", ["-p", "-f", _image], okExitCodes: 1);
        var path = NewMountPoint();
        await MountOrFailAsync(path, "-o", "loop,errors=remount-ro", _image, path);
        _formerPaths.Add(Path);
        Path = path;
    }

    public async ValueTask DisposeAsync()
    {
        await UnmountAsync();
        foreach (var path in _formerPaths.Append(Path))
        {
            try
            {
                // Unmounted (or lazily detached), so this is the test's own empty directory again, unless a handle
                // that outlived the app wrote into it.
                if (!await IsMountedAsync(path)) Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a file still held open is left for the OS to clean.
            }
        }
        if (_image is not null) File.Delete(_image);
    }

    private async Task UnmountAsync()
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            if (!await IsMountedAsync(Path)) return;
            try
            {
                await RunAsync("umount", Path);
                return;
            }
            catch (InvalidOperationException)
            {
                // Busy: a SQLite handle from a pool or a finishing job; give it a moment.
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                await Task.Delay(200);
            }
        }
        // Never leave a mount behind: detach it now, the kernel frees it when the last handle closes.
        await RunAsync("umount", "-l", Path);
    }

    private static async Task<bool> IsMountedAsync(string path)
    {
        try
        {
            await RunAsync("mountpoint", "-q", path);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string NewMountPoint()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tasksconsole-smallfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static async Task MountOrFailAsync(string path, params string[] arguments)
    {
        try
        {
            await RunAsync("mount", arguments);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            Directory.Delete(path);
            throw new InvalidOperationException(
                $"This test mounts a small file system of its own and needs root (CAP_SYS_ADMIN) to do so: {ex.Message}", ex);
        }
    }

    /// <summary>Runs a command to completion; throws with its output when it exits with a code above the ones that are fine.</summary>
    private static Task<string> RunAsync(string command, params string[] arguments) => RunAsync(command, arguments, okExitCodes: 0);

    private static async Task<string> RunAsync(string command, string[] arguments, int okExitCodes)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode > okExitCodes)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} exited {process.ExitCode}: {await error}{await output}");
        }
        return await output;
    }
}
