using ControlCenter.Testing;

namespace ControlCenter.Benchmarks;

/// <summary>How long a page takes to show its first rows in Chromium, measured with the browser's own clock.</summary>
public static class PageTiming
{
    /// <summary>
    /// Chromium: navigation → first row painted. The rows are rendered on the server into the page
    /// itself (checked on the HTML: it must contain <paramref name="servedMarker"/>), so they appear
    /// with the page's first paint: the time is the browser's first contentful paint, with where
    /// the time went around it. Nine fresh contexts; median and max.
    /// </summary>
    public static async Task FirstRowAsync(Browser browser, Uri url, string rowSelector, string what, string servedMarker)
    {
        using (var http = new HttpClient())
        {
            var html = await http.GetStringAsync(url);
            if (!html.Contains(servedMarker, StringComparison.Ordinal))
                throw new InvalidOperationException($"The {what}'s first rows are not in the served HTML");
        }
        // Cold: a fresh context downloads the app's scripts and styles; warm: the same page loaded
        // again, with them cached (fingerprinted assets are immutable), as for anyone's second visit.
        var cold = new List<double[]>();
        var warm = new List<double[]>();
        for (int i = 0; i < 9; i++)
        {
            var context = await browser.Instance.NewContextAsync();
            var page = await context.NewPageAsync();
            cold.Add(await LoadAsync(page, url, rowSelector));
            warm.Add(await LoadAsync(page, url, rowSelector));
            await LeaveAsync(context);
        }
        foreach (var (phases, cache) in new[] { (cold, "cold cache"), (warm, "warm cache") })
        {
            Report.Line($"Chromium {what}, {cache}: navigation → first row, median", Median(phases.Select(p => p[0]).ToList()), "ms");
            Report.Line($"Chromium {what}, {cache}: navigation → first row, max", phases.Max(p => p[0]), "ms");
            Report.Line("  response received (median)", Median(phases.Select(p => p[1]).ToList()), "ms");
            Report.Line("  DOM content loaded (median)", Median(phases.Select(p => p[2]).ToList()), "ms");
            Report.Line("  circuit interactive (median, ≤)", Median(phases.Select(p => p[3]).ToList()), "ms");
        }
    }

    private static async Task<double[]> LoadAsync(Microsoft.Playwright.IPage page, Uri url, string rowSelector)
    {
        await page.GotoAsync(url.ToString(), new() { WaitUntil = Microsoft.Playwright.WaitUntilState.Commit });
        await page.WaitForSelectorAsync(rowSelector);
        return await page.EvaluateAsync<double[]>("""
            async () => {
              const nav = performance.getEntriesByType('navigation')[0];
              let paint;
              while (!(paint = performance.getEntriesByName('first-contentful-paint')[0])) await new Promise(r => setTimeout(r, 10));
              while (!document.querySelector('[data-interactive=true]')) await new Promise(r => setTimeout(r, 10));
              return [paint.startTime, nav.responseEnd, nav.domContentLoadedEventEnd, performance.now()];
            }
            """);
    }

    /// <summary>
    /// Leaves every page (so Blazor's unload beacon ends its circuit at once, as a closing tab does)
    /// and closes the context. Closing alone would leave the circuits waiting minutes for a reconnect.
    /// </summary>
    public static async Task LeaveAsync(Microsoft.Playwright.IBrowserContext context)
    {
        foreach (var page in context.Pages) await page.GotoAsync("about:blank");
        await context.CloseAsync();
    }

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
