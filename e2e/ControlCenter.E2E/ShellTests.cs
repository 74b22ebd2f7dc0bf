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
        await page.WaitForURLAsync("**/brokers");
        // The URL changes before the page renders, and the Overview has a (non-linked) broker table too: wait for the Brokers page.
        await Expect(page.GetByText("Select a broker to see its configuration.")).ToBeVisibleAsync();
        await page.GetByTestId("broker-table").Locator("tbody tr").First.ClickAsync();
        await page.WaitForURLAsync("**/brokers/1");
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
}
