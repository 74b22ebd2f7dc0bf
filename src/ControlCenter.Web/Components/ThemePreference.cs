namespace ControlCenter.Web.Components;

/// <summary>The light/dark choice is kept in a cookie, so the server renders the right theme on reload (no flash).</summary>
public static class ThemePreference
{
    public const string CookieName = "cc-theme";
    public const string Dark = "dark";
    public const string Light = "light";
}
