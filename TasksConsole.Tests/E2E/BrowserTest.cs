namespace TasksConsole.Tests.E2E;

/// <summary>
/// Base for browser test classes: closes the browser contexts a test opened once it ends, so circuits and
/// Chromium processes do not pile up over the collection. Put <c>[Collection(E2ECollection.Name)]</c> on the
/// derived class as well; xunit reads it from the test class itself.
/// </summary>
public abstract class BrowserTest(BrowserFixture browser) : IAsyncLifetime
{
    protected BrowserFixture Browser { get; } = browser;

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Browser.CloseContextsAsync();

    /// <summary>A tag no other test uses: the server is shared, so each test finds its own tasks by it.</summary>
    protected static string UniqueTag(string prefix = "e2e") => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";
}
