using Microsoft.AspNetCore.Components;

namespace ControlCenter.Web.Components.Shared;

/// <summary>
/// Keeps a page's view state (tab, filters, sort, page) in its URL, so a reload or a shared link
/// lands where the user was. Changes replace the history entry: Back leaves the page, it does not
/// step through every keystroke.
/// </summary>
public static class UrlState
{
    /// <summary>Sets (or, with null/default values, removes) query parameters on the current URL.</summary>
    /// <summary>
    /// Changes the query of the page at <paramref name="ownerPath"/> (base-relative, unescaped) in
    /// place; nothing once the browser has left that page: a debounced search or a tab change that
    /// lands after a click elsewhere must not write its state into the next page's URL.
    /// </summary>
    public static void Update(NavigationManager navigation, string ownerPath, IReadOnlyDictionary<string, object?> parameters)
    {
        if (!IsOn(navigation, ownerPath)) return;
        navigation.NavigateTo(navigation.GetUriWithQueryParameters(parameters), new NavigationOptions { ReplaceHistoryEntry = true });
    }

    /// <summary>
    /// True while the browser is still on <paramref name="path"/> (base-relative, unescaped, query
    /// ignored). MudTabs reports index changes while its panels are disposed, after a navigation
    /// away: a page must not write its tab into the next page's URL.
    /// </summary>
    public static bool IsOn(NavigationManager navigation, string path) =>
        string.Equals(Uri.UnescapeDataString(navigation.ToBaseRelativePath(navigation.Uri).Split('?', '#')[0]).TrimEnd('/'), path.TrimEnd('/'), StringComparison.Ordinal);

    /// <summary>A parsed enum from the URL, or the default when absent or unknown.</summary>
    public static T Enum<T>(string? value, T fallback) where T : struct, System.Enum =>
        value is not null && System.Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed) ? parsed : fallback;

    /// <summary>The URL form of an enum value (lower case), or null for the default so the URL stays short.</summary>
    public static string? Name<T>(T value, T fallback) where T : struct, System.Enum =>
        EqualityComparer<T>.Default.Equals(value, fallback) ? null : value.ToString().ToLowerInvariant();
}
