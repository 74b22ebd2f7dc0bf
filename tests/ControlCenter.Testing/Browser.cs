using Microsoft.Playwright;

namespace ControlCenter.Testing;

/// <summary>Playwright driving Debian's Chromium (never a downloaded browser).</summary>
public sealed class Browser : IAsyncDisposable
{
    private IPlaywright _playwright = null!;
    public IBrowser Instance { get; private set; } = null!;

    /// <summary>How long a page action or an expectation may wait for its condition: long, because it only runs out when a test is failing.</summary>
    public const int ConditionTimeoutMs = 30_000;

    public static async Task<Browser> LaunchAsync()
    {
        Assertions.SetDefaultExpectTimeout(ConditionTimeoutMs);
        var browser = new Browser { _playwright = await Playwright.CreateAsync() };
        browser.Instance = await browser._playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            ChromiumSandbox = false,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
        });
        return browser;
    }

    /// <summary>A fresh page (own cookies) opened at <paramref name="url"/>, once the Blazor circuit is interactive.</summary>
    public async Task<IPage> OpenAsync(string url, IBrowserContext? context = null)
    {
        context ??= await Instance.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(ConditionTimeoutMs);
        await page.GotoAsync(url);
        await WaitInteractiveAsync(page);
        return page;
    }

    /// <summary>Like <see cref="OpenAsync"/>, and also waits until the app's monitor has read the cluster.</summary>
    public async Task<IPage> OpenConnectedAsync(string url)
    {
        var page = await OpenAsync(url);
        await page.WaitForSelectorAsync("[data-testid=connection-indicator][data-state=Connected]");
        return page;
    }

    public static Task WaitInteractiveAsync(IPage page) =>
        page.WaitForSelectorAsync("[data-interactive=true]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

    public async ValueTask DisposeAsync()
    {
        await Instance.DisposeAsync();
        _playwright.Dispose();
    }
}

