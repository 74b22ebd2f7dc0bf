using static Microsoft.Playwright.Assertions;
using Browser = ControlCenter.Testing.Browser;

namespace ControlCenter.E2E;

/// <summary>The app managing two embedded brokers as Clusters:alpha and Clusters:beta, and a browser.</summary>
public sealed class TwoClustersFixture : IAsyncLifetime
{
    public TestBroker Alpha { get; private set; } = null!;
    public TestBroker Beta { get; private set; } = null!;
    public AppProcess App { get; private set; } = null!;
    public Browser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Alpha = await TestBroker.StartAsync();
        Beta = await TestBroker.StartAsync();
        await Clients.CreateTopicAsync(Alpha.BootstrapServers, "e2e-alpha-orders");
        await Clients.CreateTopicAsync(Beta.BootstrapServers, "e2e-beta-payments");
        App = await AppProcess.StartAsync(("Clusters__alpha__BootstrapServers", Alpha.BootstrapServers), ("Clusters__beta__BootstrapServers", Beta.BootstrapServers),
            ("ClusterStore__Directory", Path.Combine(Alpha.DataDir, "cluster-store")));
        Browser = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        if (App is not null) await App.DisposeAsync();
        if (Beta is not null) await Beta.DisposeAsync();
        if (Alpha is not null) await Alpha.DisposeAsync();
    }
}

/// <summary>Many clusters in real Chromium: the switcher in the app bar and the all-clusters page.</summary>
public class ClustersTests(TwoClustersFixture fixture) : IClassFixture<TwoClustersFixture>
{
    [Fact]
    public async Task SwitchingClusterShowsThatClustersTopics()
    {
        var page = await fixture.Browser.OpenAsync(fixture.App.BaseUrl + "/topics");
        var grid = page.GetByTestId("topic-grid");
        await Expect(grid).ToContainTextAsync("e2e-alpha-orders"); // the default cluster: alpha, the first by name
        await Expect(grid).Not.ToContainTextAsync("e2e-beta-payments");
        await Expect(page.GetByTestId("cluster-switcher-button")).ToHaveTextAsync("alpha");

        await Ui.ChooseFromMenuAsync(page, "cluster-switcher-button", "switch-to-beta");
        await Ui.WaitForUrlAsync(page, "**/clusters/beta/");
        // Switching loads a new page: wait for its circuit before clicking (a fresh-clone run clicked Topics while the
        // reloaded page was still starting, and the circuit then started on the Overview it was loaded with).
        await Browser.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("cluster-switcher-button")).ToHaveTextAsync("beta");
        await page.GetByTestId("nav-topics").ClickAsync();
        await Ui.WaitForUrlAsync(page, "**/clusters/beta/topics");
        await Expect(grid).ToContainTextAsync("e2e-beta-payments");
        await Expect(grid).Not.ToContainTextAsync("e2e-alpha-orders");
    }

    [Fact]
    public async Task TheAllClustersPageShowsEachClustersHealth()
    {
        var page = await fixture.Browser.OpenAsync(fixture.App.BaseUrl + "/clusters");
        var table = page.GetByTestId("clusters-table");
        await Expect(table.GetByTestId("cluster-link")).ToHaveTextAsync(["alpha", "beta"]);
        await Expect(table.GetByTestId("cluster-health")).ToHaveTextAsync(["healthy", "healthy"]);
        await Expect(table.GetByTestId("cluster-brokers")).ToHaveTextAsync(["1 / 1", "1 / 1"]);
        await table.GetByTestId("cluster-link").Last.ClickAsync();
        await Ui.WaitForUrlAsync(page, "**/clusters/beta/");
        await Browser.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("cluster-switcher-button")).ToHaveTextAsync("beta");
    }
}
