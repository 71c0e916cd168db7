using Bunit;
using Microsoft.AspNetCore.Components.Web;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Components.Shared;

namespace TasksConsole.Tests.Components.Shared;

public sealed class TagInputTests : ConsoleTestContext
{
    [Fact]
    public async Task EachChip_HasARemoveButtonNamedAfterItsTag_ThatIsATabStop()
    {
        IReadOnlyList<string> values = ["alpha", "beta"];
        var input = Render<TagInput>(p => p
            .Add(c => c.Label, "Tags")
            .Add(c => c.Values, values)
            .Add(c => c.ValuesChanged, (IReadOnlyList<string> v) => values = v));

        var remove = input.Find("button[aria-label='Remove alpha']");
        Assert.NotEqual("-1", remove.GetAttribute("tabindex"));
        await remove.ClickAsync(new());

        Assert.Equal(["beta"], values);
    }

    [Fact]
    public async Task Backspace_InTheEmptyInput_RemovesTheLastChip_ButNotWhileTextIsTyped()
    {
        IReadOnlyList<string> values = ["alpha", "beta"];
        var input = Render<TagInput>(p => p
            .Add(c => c.Label, "Tags")
            .Add(c => c.Values, values)
            .Add(c => c.ValuesChanged, (IReadOnlyList<string> v) => values = v));

        await input.Find("input").InputAsync(new() { Value = "ga" });
        await input.Find("input").KeyDownAsync(new KeyboardEventArgs { Key = "Backspace" });
        Assert.Equal(["alpha", "beta"], values);

        await input.Find("input").InputAsync(new() { Value = "" });
        await input.Find("input").KeyDownAsync(new KeyboardEventArgs { Key = "Backspace" });
        Assert.Equal(["alpha"], values);
    }
}
