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
    /// own message names only the URL it waited for).
    /// </summary>
    public static async Task WaitForUrlAsync(IPage page, string glob)
    {
        try { await page.WaitForURLAsync(glob); }
        catch (System.TimeoutException e) { throw new System.TimeoutException($"Waited for {glob}, but the page is at {page.Url}", e); }
    }
}
