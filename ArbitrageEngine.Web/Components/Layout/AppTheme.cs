using MudBlazor;

namespace ArbitrageEngine.Web.Components.Layout;

/// <summary>The app's MudBlazor theme (dark by default; light available from the app bar).</summary>
public static class AppTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1565c0",
            Secondary = "#00897b",
            AppbarBackground = "#1565c0",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#64b5f6",
            Secondary = "#4db6ac",
            Background = "#121417",
            Surface = "#1b1e23",
            AppbarBackground = "#1b1e23",
            DrawerBackground = "#16191d",
        },
    };
}
