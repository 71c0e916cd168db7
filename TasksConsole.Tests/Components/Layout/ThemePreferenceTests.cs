using TasksConsole.Web.Components.Layout;

namespace TasksConsole.Tests.Components.Layout;

public sealed class ThemePreferenceTests
{
    [Theory]
    [InlineData(null, false, true)]
    [InlineData("", false, true)]
    [InlineData("purple", false, true)]
    [InlineData(ThemePreference.SystemDark, true, true)]
    [InlineData(ThemePreference.SystemLight, false, true)]
    [InlineData(ThemePreference.Dark, true, false)]
    [InlineData(ThemePreference.Light, false, false)]
    public void TheCookie_SaysTheThemeToRenderFirst_AndWhetherToFollowTheSystem(string? cookie, bool dark, bool followsSystem)
    {
        var value = ThemePreference.Parse(cookie);
        Assert.Equal(dark, ThemePreference.IsDark(value));
        Assert.Equal(followsSystem, ThemePreference.FollowsSystem(value));
    }

    [Theory]
    [InlineData(true, false, ThemePreference.Dark)]
    [InlineData(false, true, ThemePreference.Light)]
    // Toggling back to what the system prefers follows the system again.
    [InlineData(true, true, ThemePreference.SystemDark)]
    [InlineData(false, false, ThemePreference.SystemLight)]
    public void AToggle_IsAChoice_OnlyWhereItDiffersFromTheSystem(bool dark, bool systemDark, string remembered)
    {
        Assert.Equal(remembered, ThemePreference.AfterToggle(dark, systemDark));
    }

    [Fact]
    public void AToggle_BeforeTheSystemPreferenceIsKnown_IsAChoice()
    {
        Assert.Equal(ThemePreference.Dark, ThemePreference.AfterToggle(dark: true, systemDark: null));
    }
}
