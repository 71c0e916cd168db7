namespace TasksConsole.Web.Components.Layout;

/// <summary>
/// The console's light or dark theme, kept in a cookie so that a reload (and the server's first render, before the
/// page is interactive) comes back in the theme the user left. Without a choice of their own the console follows the
/// system's preference, and the cookie remembers the preference it last saw, so that even the first render is right.
/// </summary>
public static class ThemePreference
{
    public const string CookieName = "TasksConsole.Theme";

    /// <summary>The name the layout receives the cookie's value under, from <c>App</c> through <c>Routes</c>.</summary>
    public const string CascadeName = "ThemePreference";

    public const string ModulePath = "./js/theme.js";

    /// <summary>The user chose dark (or light) themselves.</summary>
    public const string Dark = "dark";
    public const string Light = "light";

    /// <summary>No choice: the system's preference, as last seen.</summary>
    public const string SystemDark = "system-dark";
    public const string SystemLight = "system-light";

    public static bool IsDark(string? value) => value is Dark or SystemDark;

    /// <summary>True unless the user chose a theme; also for a missing or unknown value.</summary>
    public static bool FollowsSystem(string? value) => value is not (Dark or Light);

    /// <summary>
    /// What to remember after the user picked <paramref name="dark"/>: a choice equal to the system's preference
    /// goes back to following the system, so a toggle there and back undoes itself.
    /// </summary>
    public static string AfterToggle(bool dark, bool? systemDark) =>
        systemDark == dark ? ForSystem(dark) : dark ? Dark : Light;

    public static string ForSystem(bool systemDark) => systemDark ? SystemDark : SystemLight;

    /// <summary>The cookie's value as sent, or null when it is not one of ours.</summary>
    public static string? Parse(string? value) => value is Dark or Light or SystemDark or SystemLight ? value : null;
}
