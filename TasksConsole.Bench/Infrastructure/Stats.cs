namespace TasksConsole.Bench.Infrastructure;

/// <summary>Summaries of a scenario's repeated measurements.</summary>
internal static class Stats
{
    /// <summary>The middle value; the mean of the two middle ones for an even count.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
