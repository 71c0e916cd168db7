using MudBlazor;

namespace TasksConsole.Web.Components.Layout;

public static class ConsoleTheme
{
    /// <summary>Palette chosen for contrast (WCAG AA on text) in both light and dark mode.</summary>
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fbf",
            Secondary = "#6a3fb5",
            AppbarBackground = "#1b3a66",
            Success = "#1b7a3d",
            Error = "#b3261e",
            Warning = "#8a5300",
            Info = "#1f5fbf",
            // MudBlazor's default (54% black) falls just under 4.5:1 on its grey surfaces (log and JSON blocks).
            TextSecondary = "rgba(0,0,0,0.62)",
        },
        PaletteDark = new PaletteDark
        {
            // Light enough for 4.5:1 even on a hovered, striped grid row; dark text on filled buttons.
            Primary = "#a8c7fa",
            PrimaryContrastText = "#0b1d3a",
            Secondary = "#c3a6ff",
            Success = "#6fd08c",
            Error = "#f6aea9",
            Warning = "#fbc02d",
            Info = "#a8c7fa",
            // MudBlazor's dark defaults (70 % white text, 20 % / 40 % white stripe and hover) put grid text and
            // status chips below 4.5:1 on striped or hovered rows.
            TextPrimary = "rgba(255,255,255,0.87)",
            TextSecondary = "rgba(255,255,255,0.70)",
            TableStriped = "rgba(255,255,255,0.04)",
            TableHover = "rgba(255,255,255,0.07)",
        },
    };
}
