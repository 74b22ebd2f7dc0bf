using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ControlCenter.E2E;

/// <summary>The app with one rule that fires at once: the disk of the embedded broker's log dir is more than 0.0001 % used.</summary>
public sealed class AlertsAppFixture : AppFixture
{
    protected override (string Key, string Value)[] Settings =>
    [
        ("Alerts__Rules__0__Name", "disk watch"),
        ("Alerts__Rules__0__Kind", "log-dir-usage"),
        ("Alerts__Rules__0__Threshold", "0.0001"),
        ("Alerts__Rules__0__Severity", "Critical"),
    ];
}

/// <summary>Alerts in real Chromium: the app bar's badge, the Alerts page, acknowledging, rules added and deleted.</summary>
public class AlertsTests(AlertsAppFixture fixture) : IClassFixture<AlertsAppFixture>
{
    [Fact]
    public async Task AFiringAlertAppearsInTheBarAndIsAcknowledgedOnTheAlertsPage()
    {
        var page = await fixture.Browser.OpenAsync(fixture.App.BaseUrl + "/topics");
        var badge = page.GetByTestId("alert-badge");
        await Expect(badge).ToHaveAttributeAsync("data-firing", "1");
        await Expect(page.Locator(".mud-badge").Filter(new() { HasText = "1" })).ToBeVisibleAsync();
        await badge.ClickAsync();
        await Ui.WaitForUrlAsync(page, "**/alerts");

        var active = page.GetByTestId("alerts-active");
        await Expect(active.GetByTestId("alert-rule")).ToHaveTextAsync("disk watch");
        await Expect(active.GetByTestId("alert-state")).ToHaveTextAsync("firing");
        await Expect(active.GetByTestId("alert-severity")).ToHaveTextAsync("critical");
        await Expect(active.GetByTestId("alert-message")).ToContainTextAsync("% full (threshold 0.0001%)");
        // The table re-renders on every monitor tick; a click that lands mid-render can be lost (as on the Brokers
        // page), so it is repeated, as a person would, while the button is still there.
        var acked = active.GetByTestId("alert-acked");
        for (int attempt = 0; attempt < 5 && !await acked.IsVisibleAsync(); attempt++)
        {
            var ack = active.GetByTestId("alert-ack");
            if (await ack.IsVisibleAsync()) await ack.ClickAsync(new() { Timeout = 5000 });
            try { await acked.WaitForAsync(new() { Timeout = 5000 }); }
            catch (TimeoutException) { }
        }
        await Expect(acked).ToHaveTextAsync("acknowledged by anonymous");
        await Expect(active.GetByTestId("alert-ack")).ToHaveCountAsync(0);

        await Ui.OpenTabAsync(page, "History");
        var history = page.GetByTestId("alerts-history");
        await Expect(history.GetByTestId("history-transition").Filter(new() { HasText = "firing" })).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task AnAdminAddsARuleInTheDashboardAndDeletesIt()
    {
        var page = await fixture.Browser.OpenAsync(fixture.App.BaseUrl + "/alerts");
        await Ui.OpenTabAsync(page, "Rules");
        await Ui.FillAsync(page, "rule-name", "e2e lag watch");
        await Ui.FillAsync(page, "rule-group", "payments-*");
        await page.GetByTestId("rule-add").ClickAsync();
        var rules = page.GetByTestId("alerts-rules");
        var row = rules.Locator("tr").Filter(new() { HasText = "e2e lag watch" });
        await Expect(row).ToContainTextAsync("lag of group payments-* on any topic above 1000 records");
        await Expect(row).ToContainTextAsync("dashboard");
        await Expect(rules.Locator("tr").Filter(new() { HasText = "disk watch" }).GetByTestId("rule-delete")).ToHaveCountAsync(0); // configured rules are changed in configuration

        await row.GetByTestId("rule-delete").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        await Expect(rules.GetByTestId("rules-name")).ToHaveTextAsync(["disk watch"]);
    }
}
