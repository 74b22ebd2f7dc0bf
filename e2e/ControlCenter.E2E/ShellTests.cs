using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ControlCenter.E2E;

/// <summary>The shell in real Chromium: live connection, drawer navigation, theme remembered across reloads.</summary>
public class ShellTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task DrawerNavigatesOverviewBrokersAndBrokerConfigs()
    {
        var page = await fixture.Browser.OpenAsync(fixture.App.BaseUrl);
        await Expect(page.GetByTestId("connection-indicator")).ToHaveAttributeAsync("data-state", "Connected");
        await Expect(page.GetByTestId("connection-indicator")).ToContainTextAsync("Embedded cluster");
        await Expect(page.GetByTestId("controller-id")).ToContainTextAsync("broker 1");

        await page.GetByTestId("nav-brokers").ClickAsync();
        await Ui.WaitForUrlAsync(page, "**/brokers");
        // The URL changes before the page renders, and the Overview has a (non-linked) broker table too: wait for the Brokers page.
        await Expect(page.GetByText("Select a broker to see its configuration.")).ToBeVisibleAsync();
        await page.GetByTestId("broker-table").Locator("a.broker-link").First.ClickAsync();
        await Ui.WaitForUrlAsync(page, "**/brokers/1");
        await Expect(page.GetByTestId("config-table")).ToContainTextAsync("log.dirs");
        await page.Locator("input[data-testid=config-filter], [data-testid=config-filter] input").FillAsync("retention");
        await Expect(page.GetByTestId("config-table")).Not.ToContainTextAsync("log.dirs");
        await Expect(page.GetByTestId("config-table")).ToContainTextAsync("log.retention.ms");

        await page.GetByTestId("nav-overview").ClickAsync();
        await Expect(page.GetByTestId("cluster-id")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ThemeToggleIsRememberedAcrossReloads()
    {
        var page = await fixture.Browser.OpenAsync(fixture.App.BaseUrl);
        var theme = page.Locator("[data-theme]");
        await Expect(theme).ToHaveAttributeAsync("data-theme", "light");
        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(theme).ToHaveAttributeAsync("data-theme", "dark");
        string background = await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('.mud-main-content')).backgroundColor");

        await page.ReloadAsync();
        await Browser.WaitInteractiveAsync(page);
        await Expect(theme).ToHaveAttributeAsync("data-theme", "dark");
        Assert.Equal(background, await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('.mud-main-content')).backgroundColor"));

        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(theme).ToHaveAttributeAsync("data-theme", "light");
    }

    [Fact]
    public async Task ADroppedConnectionShowsTheStyledReconnectDialogAndGreysTheClusterChipUntilItIsBack()
    {
        // The page's live connection goes through a route the test controls: it can cut it and refuse reconnects.
        var context = await fixture.Browser.Instance.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 800 } });
        bool reachable = true;
        var sockets = new List<IWebSocketRoute>();
        await context.RouteWebSocketAsync(new System.Text.RegularExpressions.Regex("/_blazor"), ws =>
        {
            if (!reachable) { _ = ws.CloseAsync(); return; }
            lock (sockets) sockets.Add(ws);
            ws.ConnectToServer();
        });
        // SignalR falls back to long polling when the socket is refused: those HTTP requests are cut too, or the
        // circuit comes back through them while the test still expects it down.
        await context.RouteAsync(new System.Text.RegularExpressions.Regex("/_blazor"), route =>
            reachable ? route.ContinueAsync() : route.AbortAsync());
        var page = await fixture.Browser.OpenAsync(fixture.App.BaseUrl, context);
        var chip = page.GetByTestId("connection-indicator").Locator(".mud-chip");
        await Expect(page.GetByTestId("connection-indicator")).ToHaveAttributeAsync("data-state", "Connected");
        string liveColor = await chip.EvaluateAsync<string>("e => getComputedStyle(e).color");
        var dialog = page.GetByTestId("reconnect-dialog");
        await Expect(dialog).ToBeHiddenAsync();

        reachable = false;
        IWebSocketRoute[] open;
        lock (sockets) open = [.. sockets];
        foreach (var ws in open) await ws.CloseAsync();

        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog).ToContainTextAsync("Connection to the dashboard lost");
        // One line for the state it is in, not every state's text at once.
        await Expect(dialog.Locator("p:visible")).ToHaveCountAsync(1);
        await Expect(dialog.Locator("p:visible")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("Reconnecting|Still trying|Could not reconnect"));
        Assert.Equal("8px", await dialog.EvaluateAsync<string>("e => getComputedStyle(e).borderTopLeftRadius"));
        await Expect(page.Locator("html.circuit-down")).ToHaveCountAsync(1);
        await Expect(chip).Not.ToHaveCSSAsync("color", liveColor);

        // Back: Blazor's next attempt resumes the same circuit, the dialog goes, the chip is live again.
        reachable = true;
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page.Locator("html.circuit-down")).ToHaveCountAsync(0);
        await Expect(chip).ToHaveCSSAsync("color", liveColor);
        await page.GetByTestId("nav-brokers").ClickAsync();
        await Expect(page.GetByText("Select a broker to see its configuration.")).ToBeVisibleAsync();
        await context.CloseAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("/topics")]
    [InlineData("/groups")]
    [InlineData("/brokers/1")]
    public async Task At400PixelsWideTheAppBarFitsAndTablesScrollInsideTheirCards(string path)
    {
        var context = await fixture.Browser.Instance.NewContextAsync(new() { ViewportSize = new() { Width = 400, Height = 800 } });
        var page = await fixture.Browser.OpenAsync(fixture.App.BaseUrl + path, context);
        await Expect(page.GetByTestId("connection-indicator")).ToHaveAttributeAsync("data-state", "Connected");
        if (path == "/brokers/1") await Expect(page.GetByTestId("config-table")).ToContainTextAsync("log.dirs");

        // The theme toggle is on screen and clickable; the title does not run under the cluster chip.
        var toggle = page.GetByTestId("theme-toggle");
        var box = await toggle.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.InRange(box.X + box.Width, 0, 400);
        var title = (await page.Locator(".product-name").BoundingBoxAsync())!;
        var chip = (await page.GetByTestId("connection-indicator").BoundingBoxAsync())!;
        Assert.True(title.X + title.Width <= chip.X + 0.5, $"title ends at {title.X + title.Width}, chip starts at {chip.X}");
        // Nothing makes the page itself wider than the screen: wide tables scroll inside their cards.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            $"page is {await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")} px wide at 400");
        await toggle.ClickAsync();
        await Expect(page.Locator("[data-theme]")).ToHaveAttributeAsync("data-theme", "dark");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), $"narrow{path.Replace('/', '-')}.png"), FullPage = false });
        await context.CloseAsync();
    }
}
