namespace TasksConsole.Bench.Infrastructure;

/// <summary>One seeded task as the store keeps it: status as the C# enum name, instants as Unix milliseconds.</summary>
internal sealed record SeedRow(
    string Id, string Function, string DataJson, long Priority, long Start, string Status, string[] Tags, long Created, long StatusChanged,
    string? ErrorType, string? ErrorName, string? ErrorMessage, string? ResultJson, long? ExecutionStart, long? ExecutionEnd);

/// <summary>
/// The tasks of a seeded store, drawn from a <see cref="SeedProfile"/> with a fixed seed: every store gets the same
/// rows, so that the list figures of SQLite and PostgreSQL describe the same data. Counts what it produced, for the
/// report and for the queries' titles.
/// </summary>
internal sealed class SeedRows(SeedProfile profile, int count, DateTimeOffset now, int seed)
{
    private readonly Dictionary<string, long> tasksPerTag = profile.Tags.ToDictionary(t => t, _ => 0L);
    private readonly Dictionary<string, long> tasksPerFunction = profile.Functions.ToDictionary(f => f, _ => 0L);
    private long tagRows;
    private long first;
    private long last;

    public IEnumerable<SeedRow> Generate()
    {
        var random = new Random(seed);
        var functions = new TaskSeeder.ZipfSampler(profile.Functions.Count, profile.FunctionZipfExponent);
        var tags = new TaskSeeder.ZipfSampler(profile.Tags.Count, profile.TagZipfExponent);
        var tagCounts = new TaskSeeder.WeightedSampler(profile.TagCountWeights);
        var statuses = new TaskSeeder.WeightedSampler(profile.Statuses.Select(s => s.Weight).ToList());
        var priorities = new TaskSeeder.WeightedSampler(profile.PriorityWeights);

        last = now.AddHours(-1).ToUnixTimeMilliseconds();
        first = last - (long)profile.Span.TotalMilliseconds;
        var step = (double)(last - first) / Math.Max(1, count);
        var nowMs = now.ToUnixTimeMilliseconds();
        var chosen = new List<int>(3);
        for (var i = 0; i < count; i++)
        {
            var created = first + (long)((i + random.NextDouble()) * step);
            var id = TaskSeeder.NewId(created, i);
            var function = profile.Functions[functions.Next(random)];
            var status = profile.Statuses[statuses.Next(random)].Status;
            long priority = priorities.Next(random);
            var start = TaskSeeder.StartOf(status, created, nowMs, random);
            var (statusChanged, executionStart, executionEnd) = TaskSeeder.Lifecycle(status, created, start, nowMs, random);

            chosen.Clear();
            var wanted = tagCounts.Next(random) + 1;
            while (chosen.Count < wanted)
            {
                var tag = tags.Next(random);
                if (!chosen.Contains(tag)) chosen.Add(tag);
            }
            var taskTags = new string[chosen.Count];
            for (var t = 0; t < chosen.Count; t++)
            {
                taskTags[t] = profile.Tags[chosen[t]];
                tasksPerTag[taskTags[t]]++;
            }
            tagRows += taskTags.Length;
            tasksPerFunction[function]++;

            var failed = status is "Failed" or "Retried";
            yield return new SeedRow(
                id, function, DataOf(i), priority, start, status, taskTags, created, statusChanged,
                failed ? "runtime" : null, failed ? "Error" : null, failed ? $"Upstream answered {(i % 3 == 0 ? 503 : 502)}" : null,
                status == "Complete" ? "{\"ok\":true}" : null, executionStart, executionEnd);
        }
    }

    /// <summary>
    /// A task's data, shaped like an order: a nested customer (one of <see cref="SeedProfile.Customers"/>) and an amount
    /// of 0-999.5, so that searches inside data have rare and common matches to find.
    /// </summary>
    private static string DataOf(long i) =>
        $"{{\"orderId\":{i},\"region\":\"{Regions[i % Regions.Length]}\",\"customer\":{{\"id\":\"c-{i % SeedProfile.Customers}\",\"tier\":\"{(i % 7 == 0 ? "gold" : "silver")}\"}},\"amount\":{i % 1000}.5}}";

    private static readonly string[] Regions = ["eu-west-1", "us-east-1", "ap-south-1", "eu-central-1"];

    /// <summary>What <see cref="Generate"/> produced, once it has been enumerated.</summary>
    public SeedReport Report(TimeSpan insertTime, TimeSpan indexTime, long databaseBytes) =>
        new(count, tagRows, insertTime, indexTime, databaseBytes, tasksPerTag, tasksPerFunction,
            DateTimeOffset.FromUnixTimeMilliseconds(first), DateTimeOffset.FromUnixTimeMilliseconds(last));
}
