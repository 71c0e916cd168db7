namespace TasksConsole.Tests.E2E;

/// <summary>
/// Every browser test class joins this collection: they share one Chromium and one live server, and xunit runs
/// them one after another, which a loaded build box needs more than speed.
/// </summary>
/// <example>
/// <code>
/// [Collection(E2ECollection.Name)]
/// public sealed class FunctionsPageTests(BrowserFixture browser) : BrowserTest(browser)
/// {
///     [Fact]
///     public async Task AnOperator_SeesTheDemoFunctions()
///     {
///         var page = await Browser.NewSignedInPageAsync(await Browser.CreateUserAsync(Role.Operator), "/functions");
///         await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "echo" })).ToBeVisibleAsync();
///         await BrowserFixture.ScreenshotAsync(page, "functions-operator");
///         await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);
///     }
/// }
/// </code>
/// </example>
[CollectionDefinition(Name)]
public sealed class E2ECollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "E2E browser";
}
