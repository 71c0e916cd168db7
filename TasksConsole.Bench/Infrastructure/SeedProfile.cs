namespace TasksConsole.Bench.Infrastructure;

/// <summary>
/// The shape of a seeded task store, meant to look like a busy production queue: a few functions doing most of
/// the work, tags of very uneven popularity, mostly finished tasks, priorities mostly left at 0.
/// </summary>
internal sealed class SeedProfile
{
    /// <summary>Functions from most to least used; use follows a Zipf law (exponent 1), so the first has about a quarter.</summary>
    public IReadOnlyList<string> Functions { get; } =
    [
        "send-email", "generate-invoice", "sync-inventory", "resize-image", "export-report", "send-sms", "charge-payment",
        "refresh-cache", "import-orders", "notify-webhook", "build-thumbnail", "archive-logs", "compute-metrics",
        "reconcile-ledger", "send-push", "update-search-index", "cleanup-sessions", "render-pdf", "geocode-address",
        "score-risk", "transcode-video", "backup-database", "rotate-keys", "validate-address", "sync-crm",
        "export-invoices", "purge-deleted", "aggregate-usage", "train-model", "warm-cache",
    ];

    public double FunctionZipfExponent { get; init; } = 1.0;

    /// <summary>
    /// Tags from most to least popular. Each task draws 1-3 distinct tags with Zipf weights (exponent 0.8),
    /// which puts the first tag on roughly a quarter of all tasks.
    /// </summary>
    public IReadOnlyList<string> Tags { get; } = BuildTags();

    public double TagZipfExponent { get; init; } = 0.8;

    /// <summary>How many tags a task has: 1, 2 or 3.</summary>
    public IReadOnlyList<double> TagCountWeights { get; init; } = [0.40, 0.35, 0.25];

    public IReadOnlyList<(string Status, double Weight)> Statuses { get; init; } =
    [
        ("Complete", 0.70), ("New", 0.10), ("Failed", 0.08), ("Retried", 0.05), ("Canceled", 0.05), ("InProgress", 0.02),
    ];

    /// <summary>Priorities 0-10, each about half as likely as the one below (0 on about half the tasks).</summary>
    public IReadOnlyList<double> PriorityWeights { get; init; } = [.. Enumerable.Range(0, 11).Select(p => Math.Pow(0.5, p))];

    /// <summary>Creation times are spread evenly over this span, ending an hour before the seeding.</summary>
    public TimeSpan Span { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How many distinct customers task data names (<c>data.customer.id</c>): one task in this many is a given customer's.</summary>
    public const int Customers = 5000;

    /// <summary>A substring that <c>like(functionName,…)</c> searches for; it matches two functions.</summary>
    public string FunctionSearch => "invoice";

    private static string[] BuildTags()
    {
        string[] kinds = ["tenant", "region", "team", "source", "batch"];
        var names = kinds.SelectMany(kind => Enumerable.Range(1, 10).Select(i => $"{kind}-{i:00}")).ToArray();
        // A fixed shuffle, so that popularity does not follow the alphabet (which would flatter index locality).
        new Random(7).Shuffle(names);
        return names;
    }
}
