using Bunit;
using ControlCenter.Kafka.Cluster;
using ControlCenter.LogFormat.Files;
using ControlCenter.LogFormat.Records;
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
        Navigation.NavigateTo("topics/huge");
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

    [Fact]
    public void AStateChangeThatLandsAfterThePageWasLeftStaysOutOfTheNextPagesUrl()
    {
        Navigation.NavigateTo("topics/huge");
        var tab = Render<TopicPartitionsTab>(p => p.Add(t => t.Topic, Huge(100)));
        // The user has clicked away (a debounced search or a tab's event can still land after that).
        Navigation.NavigateTo("topics/elsewhere");
        tab.Find("[data-testid=sort-records] button").Click();
        Assert.EndsWith("/topics/elsewhere", Navigation.Uri);
    }

    [Fact]
    public void AnOpenTransactionAndAnIdempotentProducerAreListedFromThePartitionsLog()
    {
        // An external cluster's log dir in Kafka's format: an idempotent producer's two batches, then a
        // transaction that was committed, then one still open.
        string logDir = TempDir.Create("producers-tab");
        string dir = Directory.CreateDirectory(Path.Combine(logDir, "orders-0")).FullName;
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        byte[] Batch(long baseOffset, long producerId, short epoch, int sequence, int records, bool transactional = false, bool control = false)
        {
            var builder = new RecordBatchBuilder { BaseOffset = baseOffset, ProducerId = producerId, ProducerEpoch = epoch, BaseSequence = control ? -1 : sequence,
                IsTransactional = transactional || control, IsControl = control };
            for (int i = 0; i < records; i++) builder.Add(now, null, control ? [0, 0, 0, 0, 0, 1] : [(byte)i]);
            return builder.Build();
        }
        File.WriteAllBytes(LogFileNames.LogFile(dir, 0), [
            .. Batch(0, 7, 2, 0, 3), .. Batch(3, 7, 2, 3, 2),
            .. Batch(5, 9, 0, 0, 2, transactional: true), .. Batch(7, 9, 0, -1, 1, control: true),
            .. Batch(8, 9, 0, 2, 4, transactional: true)]);
        LogDirs.Add(logDir);

        var topic = new TopicSnapshot("orders", false, [new PartitionSnapshot(0, 1, [1], [1], 0, 12, null)]);
        var tab = Render<TopicPartitionsTab>(p => p.Add(t => t.Topic, topic));
        tab.Find("[data-testid=show-producers]").Click();
        tab.WaitForAssertion(() => Assert.Equal(2, tab.FindAll("[data-testid=producer-row]").Count), TimeSpan.FromSeconds(10));
        var rows = tab.FindAll("[data-testid=producer-row]");
        Assert.Equal(["7", "2", "4"], [rows[0].QuerySelector("[data-testid=producer-id]")!.TextContent, rows[0].QuerySelector("[data-testid=producer-epoch]")!.TextContent,
            rows[0].QuerySelector("[data-testid=producer-sequence]")!.TextContent.Trim()]);
        Assert.Contains("none", rows[0].TextContent);
        Assert.Equal("5", rows[1].QuerySelector("[data-testid=producer-sequence]")!.TextContent.Trim());
        Assert.Contains("offset 8", rows[1].TextContent); // the committed transaction ended at its marker; the open one began at 8
    }

    [Fact]
    public void WithoutAReadableLogDirThereIsNoProducersColumn()
    {
        var tab = Render<TopicPartitionsTab>(p => p.Add(t => t.Topic, Huge(3)));
        Assert.Empty(tab.FindAll("[data-testid=show-producers]"));
    }
}
