namespace TasksConsole.Bench.Scenarios;

/// <summary>Every scenario the bench knows, in the order <c>all</c> runs them. A new scenario is one more line here.</summary>
internal static class ScenarioRegistry
{
    public static IReadOnlyList<IBenchScenario> All { get; } =
    [
        new ListScenario(),
        new CreateScenario(),
        new DispatchScenario(),
        new LagScenario(),
        new LiveScenario(),
        new FlowScenario(),
        new FeedScenario(),
        new ApiScenario(),
        new WebhooksScenario(),
        new RerunScenario(),
        new AuditScenario(),
        new RetentionScenario(),
    ];

    /// <summary>Scenarios that run only when named: too long for <c>all</c>.</summary>
    public static IReadOnlyList<IBenchScenario> OnDemand { get; } =
    [
        new SoakScenario(),
    ];

    public static IBenchScenario? Find(string name) =>
        All.Concat(OnDemand).FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
