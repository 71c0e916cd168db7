using Bunit;
using Microsoft.AspNetCore.Components.Web;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Components.Shared;

namespace TasksConsole.Tests.Components.Shared;

public sealed class FunctionPickerTests : ConsoleTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly string[] DemoFunctions = ["echo", "sleep", "fail", "flaky", "timeout", "noop"];

    [Theory]
    [InlineData("noop")]
    [InlineData("sleep")]
    [InlineData("timeout")]
    public async Task TypingAWholeName_AndPressingEnter_PicksThatFunction(string name)
    {
        await using var database = await TestDatabase.CreateAsync();
        var (input, picked) = await RenderPickerAsync(database);

        input().Focus();
        input().Input(name);
        input().KeyUp(new KeyboardEventArgs { Key = "Enter" });

        // Typing already sets the value (free text is accepted); Enter must not replace it with another entry.
        picked.Component.WaitForAssertion(() => Assert.Equal((name, name), (picked.Value, input().GetAttribute("value"))), Patience);
    }

    [Fact]
    public async Task TypingPartOfAName_AndPressingEnter_PicksTheFirstNameStartingWithIt()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (input, picked) = await RenderPickerAsync(database);

        input().Focus();
        input().Input("fl");
        input().KeyUp(new KeyboardEventArgs { Key = "Enter" });

        picked.Component.WaitForAssertion(() => Assert.Equal(("flaky", "flaky"), (picked.Value, input().GetAttribute("value"))), Patience);
    }

    [Theory]
    [InlineData("", new[] { "echo", "fail", "flaky", "noop", "sleep", "timeout" })]
    [InlineData("noop", new[] { "noop", "echo", "fail", "flaky", "sleep", "timeout" })]
    [InlineData("e", new[] { "echo", "sleep", "timeout" })]
    [InlineData("out", new[] { "timeout" })]
    [InlineData("zzz", new string[0])]
    public void TheList_PutsTheBestMatchFirst(string text, string[] expected)
    {
        Assert.Equal(expected, FunctionPicker.Order(DemoFunctions, text));
    }

    private sealed class Picked
    {
        public IRenderedComponent<FunctionPicker> Component { get; set; } = default!;
        public string? Value { get; set; }
    }

    private async Task<(Func<AngleSharp.Dom.IElement> Input, Picked Picked)> RenderPickerAsync(TestDatabase database)
    {
        foreach (var name in DemoFunctions) await database.AddFunctionAsync(name);
        Services.AddTaskConsole(database);
        RenderPopoverProvider();
        var picked = new Picked();
        picked.Component = Render<FunctionPicker>(p => p.Add(c => c.ValueChanged, (string? value) => picked.Value = value));
        return (() => picked.Component.Find("input"), picked);
    }
}
