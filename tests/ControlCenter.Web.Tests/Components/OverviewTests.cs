using Bunit;
using ControlCenter.Web.Components.Pages;
using ControlCenter.Web.Components.Shared;
using ControlCenter.Web.Tests.Infrastructure;

namespace ControlCenter.Web.Tests.Components;

public class OverviewTests : ComponentTest
{
    [Fact]
    public void ShowsClusterFiguresAndBrokers()
    {
        Cluster.Connect();
        var page = Render<Overview>();
        Assert.Equal("Zq3vKc1nT3O2m8Y4lNq5Rw", page.Find("[data-testid=cluster-id] .stat-value").TextContent);
        Assert.Equal("broker 2", page.Find("[data-testid=controller-id] .stat-value").TextContent);
        Assert.Equal("2", page.Find("[data-testid=broker-count] .stat-value").TextContent);
        Assert.Equal("2", page.Find("[data-testid=topic-count] .stat-value").TextContent);
        Assert.Equal("59", page.Find("[data-testid=partition-count] .stat-value").TextContent);
        var rows = page.FindAll("[data-testid=broker-table] tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Contains("rack-1", rows[0].TextContent);
        Assert.Contains("controller", rows[1].TextContent);
        Assert.Contains("__consumer_offsets", page.Find("[data-testid=internal-topics]").TextContent);
    }

    [Fact]
    public void UnreachableClusterShowsAddressAndReasonAndRecoversWithoutReload()
    {
        Cluster.Connect();
        var banner = Render<ClusterBanner>();
        var page = Render<Overview>();
        Cluster.Disconnect("1/1 brokers are down");
        banner.WaitForAssertion(() =>
        {
            var alert = banner.Find("[data-testid=cluster-unreachable]");
            Assert.Contains("broker-a:9092", alert.TextContent);
            Assert.Contains("1/1 brokers are down", alert.TextContent);
            Assert.Contains("were read at", alert.TextContent); // the last figures stay, marked stale
        });
        Assert.NotEmpty(page.FindAll("[data-testid=cluster-id]"));

        var changed = FakeClusterState.SampleSnapshot(controller: 1);
        Cluster.Connect(changed);
        banner.WaitForAssertion(() => Assert.Empty(banner.FindAll("[data-testid=cluster-unreachable]")));
        page.WaitForAssertion(() => Assert.Equal("broker 1", page.Find("[data-testid=controller-id] .stat-value").TextContent));
    }

    [Fact]
    public void ConnectingShowsProgressInsteadOfEmptyFigures()
    {
        var page = Render<Overview>();
        Assert.Empty(page.FindAll("[data-testid=cluster-id]"));
        Assert.NotEmpty(page.FindAll(".mud-progress-linear"));
    }
}
