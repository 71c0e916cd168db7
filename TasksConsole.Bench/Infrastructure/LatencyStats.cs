using System.Globalization;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>Percentiles of a set of latencies in milliseconds, by the nearest-rank method (no interpolation).</summary>
internal sealed class LatencyStats
{
    private readonly double[] sorted;

    public LatencyStats(IEnumerable<double> milliseconds)
    {
        sorted = [.. milliseconds];
        Array.Sort(sorted);
    }

    /// <summary>The latencies of several sets together, e.g. the windows of a longer stretch.</summary>
    public static LatencyStats Merge(IEnumerable<LatencyStats> parts) => new(parts.SelectMany(part => part.sorted));

    public int Count => sorted.Length;
    public double Min => Count == 0 ? double.NaN : sorted[0];
    public double Max => Count == 0 ? double.NaN : sorted[^1];
    public double Mean => Count == 0 ? double.NaN : sorted.Average();
    public double P50 => Percentile(50);
    public double P95 => Percentile(95);
    public double P99 => Percentile(99);

    public double Percentile(double percent)
    {
        if (Count == 0) return double.NaN;
        var rank = (int)Math.Ceiling(percent / 100 * Count);
        return sorted[Math.Clamp(rank - 1, 0, Count - 1)];
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"n={Count} p50={P50:0.0} ms p95={P95:0.0} ms p99={P99:0.0} ms max={Max:0.0} ms");

    public static string Ms(double value) => double.IsNaN(value) ? "-" : value.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
}
