using Microsoft.Playwright;

namespace ControlCenter.E2E;

/// <summary>Small helpers for MudBlazor inputs (data-testid lands on the input, or wraps it).</summary>
public static class Ui
{
    public static ILocator Input(IPage page, string testId) =>
        page.Locator($"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea").First;

    /// <summary>Types a value and leaves the field, as a person does (inputs commit on blur too).</summary>
    public static async Task FillAsync(IPage page, string testId, string value)
    {
        var input = Input(page, testId);
        await input.FillAsync(value);
        await input.PressAsync("Tab");
    }

    /// <summary>
    /// Waits for the page to reach a URL (a glob: ** any characters, * any but '/'), by polling the
    /// page's URL. Playwright's WaitForURL waits for a navigation event, and Blazor navigates within
    /// the document: when the navigation was over before the wait began, the wait could never end
    /// (seen: "waiting for navigation … until Commit" with the page at that very URL). What the
    /// page shows is asserted next, with its own waits.
    /// </summary>
    public static async Task WaitForUrlAsync(IPage page, string glob)
    {
        var pattern = new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(glob)
            .Replace(@"\*\*", ".*").Replace(@"\*", "[^/]*") + "$");
        try { await Assertions.Expect(page).ToHaveURLAsync(pattern); }
        catch (PlaywrightException e) { throw new System.TimeoutException($"Waited for {glob}, but the page is at {page.Url}", e); }
    }

    /// <summary>
    /// Opens a MudTabs tab: waits until the tab bar has set itself up (it draws its slider only
    /// after measuring its tabs), clicks, and waits until the tab is the selected one, so the next
    /// step starts from it. Seen under CI load on a fresh app's first page: the tab content never
    /// appeared after a click made right as the tab bar was created.
    /// </summary>
    public static async Task OpenTabAsync(ILocator scope, string name)
    {
        await Assertions.Expect(scope.Locator(".mud-tab-slider").First).ToBeAttachedAsync();
        var tab = scope.Locator(".mud-tab", new() { HasText = name });
        await tab.ClickAsync();
        await Assertions.Expect(tab).ToHaveAttributeAsync("aria-selected", "true");
    }

    public static Task OpenTabAsync(IPage page, string name) => OpenTabAsync(page.Locator("body"), name);

    /// <summary>
    /// Opens a MudMenu and clicks one of its items. Under CI load a menu opened right after a
    /// dialog closed (with Escape) once closed itself again before its item could be clicked —
    /// the dialog hands focus back late — and the item never came back; then the menu is opened
    /// again, as a person would. A menu that does not open, or an item that stays visible but
    /// cannot be clicked, still fails the test.
    /// </summary>
    public static async Task ChooseFromMenuAsync(IPage page, string menuTestId, string itemTestId)
    {
        var item = page.GetByTestId(itemTestId);
        for (int attempt = 1; ; attempt++)
        {
            await page.GetByTestId(menuTestId).ClickAsync();
            await Assertions.Expect(item).ToBeVisibleAsync();
            try
            {
                await item.ClickAsync(new LocatorClickOptions { Timeout = 5_000 });
                return;
            }
            catch (System.TimeoutException) when (attempt < 3)
            {
                if (await item.IsVisibleAsync()) throw; // open but not clickable: a real failure
            }
        }
    }
}
