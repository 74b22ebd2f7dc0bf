using Bunit;
using ControlCenter.Web.Components.Layout;
using ControlCenter.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;

namespace ControlCenter.Web.Tests.Components;

public class ShellTests : ComponentTest
{
    private IRenderedComponent<MainLayout> RenderShell(bool dark = false) =>
        Render<MainLayout>(p => p
            .Add(l => l.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<p id=\"body\">page</p>")))
            .AddCascadingValue("InitialDarkMode", dark));

    [Fact]
    public void ShowsProductClusterAndNavigation()
    {
        Cluster.Connect();
        var shell = RenderShell();
        Assert.Contains("Kafka Control Center", shell.Find(".product-name").TextContent);
        var indicator = shell.Find("[data-testid=connection-indicator]");
        Assert.Equal("Connected", indicator.GetAttribute("data-state"));
        Assert.Contains("Test cluster", indicator.TextContent);
        Assert.Contains("broker-a:9092", indicator.TextContent);
        Assert.Contains("Overview", shell.Find("[data-testid=nav-overview]").TextContent);
        Assert.Contains("Brokers", shell.Find("[data-testid=nav-brokers]").TextContent);
        Assert.NotNull(shell.Find("#body"));
    }

    [Fact]
    public void IndicatorFollowsTheConnectionLive()
    {
        var shell = RenderShell();
        Assert.Equal("Connecting", shell.Find("[data-testid=connection-indicator]").GetAttribute("data-state"));
        Cluster.Disconnect("Connect to ipv4#10.0.0.1:9092 failed: Connection refused");
        shell.WaitForAssertion(() => Assert.Equal("Unreachable", shell.Find("[data-testid=connection-indicator]").GetAttribute("data-state")));
        Assert.Contains("Connection refused", shell.Find("[data-testid=cluster-unreachable]").TextContent);
        Cluster.Connect();
        shell.WaitForAssertion(() => Assert.Equal("Connected", shell.Find("[data-testid=connection-indicator]").GetAttribute("data-state")));
        Assert.Empty(shell.FindAll("[data-testid=cluster-unreachable]"));
    }

    [Fact]
    public void ThemeToggleSwitchesAndRemembersTheChoice()
    {
        var shell = RenderShell(dark: false);
        Assert.Equal("light", shell.Find("[data-theme]").GetAttribute("data-theme"));
        shell.Find("[data-testid=theme-toggle]").Click();
        Assert.Equal("dark", shell.Find("[data-theme]").GetAttribute("data-theme"));
        var call = Assert.Single(JSInterop.Invocations, i => i.Identifier == "controlCenter.setTheme");
        Assert.Equal("dark", call.Arguments[0]);
    }

    [Fact]
    public void StartsDarkWhenTheCookieSaidSo()
    {
        var shell = RenderShell(dark: true);
        Assert.Equal("dark", shell.Find("[data-theme]").GetAttribute("data-theme"));
    }

    [Fact]
    public void DemoPanelSaysWhatRunsAndWhatAPauseMeans()
    {
        Demo.Enabled = true;
        var panel = Render<ControlCenter.Web.Components.Shared.DemoPanel>();
        Assert.StartsWith("Demo traffic is on: JSON records flow into", Normalized(panel.Find("[data-testid=demo-text]").TextContent));

        panel.Find("input[data-testid=demo-switch], [data-testid=demo-switch] input").Change(false);
        string paused = Normalized(panel.Find("[data-testid=demo-text]").TextContent);
        Assert.StartsWith("Demo traffic is paused: nothing is produced or consumed until it is switched back on.", paused);
        Assert.DoesNotContain("flow into", paused);
    }

    private static string Normalized(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();
}
