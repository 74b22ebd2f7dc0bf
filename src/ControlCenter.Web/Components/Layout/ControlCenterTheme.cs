using MudBlazor;

namespace ControlCenter.Web.Components.Layout;

public static class ControlCenterTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f6feb",
            AppbarBackground = "#0d1b2a",
            AppbarText = "#ffffff",
            Background = "#f6f8fa",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#58a6ff",
            AppbarBackground = "#0b1320",
            Background = "#0d1117",
            Surface = "#161b22",
            DrawerBackground = "#0d1117",
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "220px" },
    };
}
