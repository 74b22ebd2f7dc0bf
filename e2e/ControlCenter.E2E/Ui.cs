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
    /// Waits for the page to reach a URL; a timeout says where the page is instead (Playwright's
    /// own message names only the URL it waited for). Blazor navigates within the document, so the
    /// wait ends when the URL is committed, not at a "load" event: on a loaded machine a URL that
    /// already matched could still wait out the timeout for a load state (seen in a fresh-clone run:
    /// "waiting for navigation … until Load" with the page at that very URL). What the page shows
    /// is asserted next, with its own waits.
    /// </summary>
    public static async Task WaitForUrlAsync(IPage page, string glob)
    {
        try { await page.WaitForURLAsync(glob, new() { WaitUntil = WaitUntilState.Commit }); }
        catch (System.TimeoutException e) { throw new System.TimeoutException($"Waited for {glob}, but the page is at {page.Url}", e); }
    }
}
