using Bunit;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Web.Components.Topics;
using ControlCenter.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace ControlCenter.Web.Tests.Components;

/// <summary>A topic with ten thousand partitions renders a page of them, not ten thousand rows; the page and sort live in the URL.</summary>
public class PartitionsTabTests : ComponentTest
{
    private static TopicSnapshot Huge(int partitions) => new("huge", false, Enumerable.Range(0, partitions)
        .Select(p => new PartitionSnapshot(p, 1 + p % 3, [1, 2, 3], p == 4321 ? [1] : [1, 2, 3], 0, p, 100L * p)).ToList());

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    [Fact]
    public void TenThousandPartitionsRenderOnePageAtATime()
    {
        var tab = Render<TopicPartitionsTab>(p => p.Add(t => t.Topic, Huge(10_000)));
        Assert.Equal(50, tab.FindAll("[data-testid=partitions-table] tbody tr").Count);
        Assert.Equal("1–50 of 10,000", tab.Find("[data-testid=partitions-pager-range]").TextContent.Trim());

        // Sorting by records, biggest first: the URL carries it, and the page follows.
        tab.Find("[data-testid=sort-records] button").Click();
        Assert.Contains("psort=records", Navigation.Uri);
        Assert.Contains("pdesc=True", Navigation.Uri, StringComparison.OrdinalIgnoreCase);
        tab.WaitForAssertion(() => Assert.Equal("9999", tab.Find("[data-testid=partitions-table] tbody tr td").TextContent.Trim()));

        // Only the unhealthy ones: the one under-replicated partition.
        tab.Find("input[data-testid=partitions-unhealthy]").Change(true);
        tab.WaitForAssertion(() => Assert.Single(tab.FindAll("[data-testid=partitions-table] tbody tr")));
        Assert.Contains("under-replicated", tab.Find("[data-testid=partitions-table] tbody tr").TextContent);
    }
}
