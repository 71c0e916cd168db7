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
}
