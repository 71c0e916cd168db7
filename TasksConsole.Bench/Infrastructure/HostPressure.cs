using System.Globalization;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>
/// The time the machine's tasks spent waiting for the disk, from Linux's pressure stall information
/// (<c>/proc/pressure/io</c>). A run whose commits stall on a slow or shared disk looks like an engine stall from
/// inside the server (little CPU used, nothing progressing); this tells the two apart.
/// </summary>
public sealed class HostPressure
{
    private const string IoPressurePath = "/proc/pressure/io";

    private readonly (long Some, long Full)? _before = ReadIo();

    /// <summary>Starts counting now.</summary>
    public static HostPressure Start() => new();

    /// <summary>
    /// "I/O stall: some X s, full Y s", since <see cref="Start"/>: <c>some</c> is the time at least one task waited for
    /// the disk, <c>full</c> the time every runnable task did. Null where the kernel does not report pressure.
    /// </summary>
    public string? IoStallSinceStart()
    {
        if (_before is not { } before || ReadIo() is not { } now) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"some {(now.Some - before.Some) / 1e6:0.0} s, full {(now.Full - before.Full) / 1e6:0.0} s");
    }

    /// <summary>The cumulative stall totals in microseconds: lines "some … total=N" and "full … total=N".</summary>
    private static (long Some, long Full)? ReadIo()
    {
        try
        {
            if (!File.Exists(IoPressurePath)) return null;
            long? some = null, full = null;
            foreach (var line in File.ReadLines(IoPressurePath))
            {
                var total = line.Split(' ').FirstOrDefault(part => part.StartsWith("total=", StringComparison.Ordinal));
                if (total is null || !long.TryParse(total.AsSpan("total=".Length), CultureInfo.InvariantCulture, out var value)) continue;
                if (line.StartsWith("some", StringComparison.Ordinal)) some = value;
                else if (line.StartsWith("full", StringComparison.Ordinal)) full = value;
            }
            return some is { } s && full is { } f ? (s, f) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
