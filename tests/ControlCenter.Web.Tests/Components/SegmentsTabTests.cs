using Bunit;
using ControlCenter.Kafka.Segments;
using ControlCenter.LogFormat.Files;
using ControlCenter.Web.Components.Segments;
using ControlCenter.Web.Tests.Infrastructure;

namespace ControlCenter.Web.Tests.Components;

/// <summary>The Segments tab over a log dir written in Kafka's format (an external cluster's, as Kafka:LogDirs would give it).</summary>
public class SegmentsTabTests : ComponentTest
{
    private readonly string _logDir = TempDir.Create("segments-tab");

    private void UseLogDirs(params string[] logDirs) => LogDirs.AddRange(logDirs);

    private long WriteOrders(int segments = 3) => SegmentFileWriter.Write(Path.Combine(_logDir, "orders-0"),
        new SegmentFileWriter.Layout(segments, BatchesPerSegment: 10, RecordsPerBatch: 5, ValueBytes: 900, FirstTimestampMs: 1_764_000_000_000, MsPerRecord: 1000));

    [Fact]
    public void ListsSegmentsOnTheStripAndInTheTableNewestFirst()
    {
        WriteOrders();
        UseLogDirs(_logDir);
        Cluster.Connect();
        var tab = Render<SegmentsTab>(p => p.Add(t => t.TopicName, "orders").Add(t => t.PartitionCount, 6));
        tab.WaitForAssertion(() => Assert.Equal(3, tab.FindAll("[data-testid=segments-table] tbody tr").Count), TimeSpan.FromSeconds(10));
        Assert.Equal("3", tab.Find("[data-testid=segments-count] .stat-value").TextContent);
        Assert.Equal(3, tab.FindAll("[data-testid=strip-segment]").Count);
        var bases = tab.FindAll("[data-testid=segment-base]").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal([LogFileNames.FormatOffset(100), LogFileNames.FormatOffset(50), LogFileNames.FormatOffset(0)], bases);
        tab.WaitForAssertion(() => Assert.Equal(["50", "50", "50"], tab.FindAll("[data-testid=segment-records]").Select(c => c.TextContent.Trim())));
        Assert.Equal("100 – 149", tab.FindAll("[data-testid=segment-offsets]")[0].TextContent.Trim());
        Assert.Contains("active", tab.FindAll("[data-testid=segment-state]")[0].TextContent);
        Assert.Contains("retention.ms", tab.Find("[data-testid=segment-forecast]").TextContent);
    }

    [Fact]
    public void ACorruptedBatchShowsAsCrcInvalidInTheDrillDown()
    {
        WriteOrders();
        string log = LogFileNames.LogFile(Path.Combine(_logDir, "orders-0"), 50);
        var third = PartitionLogReader.ReadBatches(Path.GetDirectoryName(log)!, 50, 0, 10).Batches[2];
        var bytes = File.ReadAllBytes(log);
        bytes[third.Position + 200] ^= 0x01;
        File.WriteAllBytes(log, bytes);
        UseLogDirs(_logDir);
        Cluster.Connect();

        var tab = Render<SegmentsTab>(p => p.Add(t => t.TopicName, "orders").Add(t => t.PartitionCount, 6));
        tab.WaitForAssertion(() => Assert.Equal(3, tab.FindAll("[data-testid=segments-table] tbody tr").Count), TimeSpan.FromSeconds(10));
        tab.FindAll("[data-testid=segments-table] tbody tr")[1].Click(); // base offset 50
        tab.WaitForAssertion(() => Assert.Equal(10, tab.FindAll("[data-testid=batch-table] tbody tr").Count), TimeSpan.FromSeconds(10));
        var crcs = tab.FindAll("[data-testid=batch-crc]").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal("CRC invalid", crcs[2]);
        Assert.Equal(9, crcs.Count(c => c == "valid"));
        Assert.Equal("60 – 64", tab.FindAll("[data-testid=batch-offsets]")[2].TextContent.Trim());

        tab.Find("[data-testid=segment-verify]").Click();
        tab.WaitForAssertion(() => Assert.Contains("1 batch(es) fail the CRC-32C check", tab.Find("[data-testid=segment-crc-result]").TextContent), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void WithoutALogDirTheTabSaysSoAndShowsWhatTheClusterReports()
    {
        UseLogDirs();
        Cluster.Connect();
        var tab = Render<SegmentsTab>(p => p.Add(t => t.TopicName, "orders").Add(t => t.PartitionCount, 6));
        tab.WaitForAssertion(() => Assert.Contains("No Kafka log dir is configured", tab.Find("[data-testid=segments-unavailable]").TextContent), TimeSpan.FromSeconds(10));
        var rows = tab.FindAll("[data-testid=segments-fallback] tbody tr");
        Assert.Equal(6, rows.Count);
        Assert.Contains("110", rows[1].TextContent); // partition 1: high watermark 110 from the cluster
    }

    [Fact]
    public void TheClustersPartitionListShowsThePageOfTheChosenPartition()
    {
        UseLogDirs();
        Cluster.Connect();
        var fallback = Render<SegmentsUnavailable>(p => p.Add(t => t.TopicName, "__consumer_offsets").Add(t => t.Partition, 37)
            .Add(t => t.Settings, ControlCenter.Kafka.Segments.RetentionSettings.KafkaDefaults));
        var rows = fallback.FindAll("[data-testid=segments-fallback] tbody tr");
        Assert.Equal(25, rows.Count); // of 50: a page, not all of them
        Assert.Equal("25", rows[0].QuerySelector("td")!.TextContent.Trim());
        Assert.Contains("mud-selected-item", rows[12].ClassName);
        Assert.Equal("26–50 of 50", fallback.Find("[data-testid=segments-fallback-pager-range]").TextContent.Trim());
    }

    [Fact]
    public void APartitionOnAnotherBrokersDiskIsExplained()
    {
        WriteOrders(1);
        UseLogDirs(_logDir);
        Cluster.Connect();
        var tab = Render<SegmentsTab>(p => p.Add(t => t.TopicName, "payments").Add(t => t.PartitionCount, 3));
        tab.WaitForAssertion(() => Assert.Contains("is in none of the readable log dirs", tab.Find("[data-testid=segments-unavailable]").TextContent), TimeSpan.FromSeconds(10));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        TempDir.Delete(_logDir);
    }
}
