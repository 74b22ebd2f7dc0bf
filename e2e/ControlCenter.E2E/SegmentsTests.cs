using ControlCenter.Kafka.Cluster;
using System.Text;
using Confluent.Kafka;
using ControlCenter.LogFormat.Files;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ControlCenter.E2E;

/// <summary>The Segments tab in a real browser over the embedded broker's own files.</summary>
public class SegmentsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static readonly string[] Screenshots = Environment.GetEnvironmentVariable("E2E_SCREENSHOTS") is { Length: > 0 } dir ? [dir] : [];

    private async Task ShotAsync(IPage page, string name)
    {
        foreach (var dir in Screenshots) await page.ScreenshotAsync(new() { Path = Path.Combine(dir, name + ".png"), FullPage = true });
    }

    [Fact]
    public async Task SegmentsDrillDownAndFollowTheLogAsItIsPurged()
    {
        string bootstrap = await fixture.App.BootstrapServersAsync();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
            await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification
            {
                Name = "e2e-segments", NumPartitions = 1, ReplicationFactor = 1,
                Configs = new() { ["internal.segment.bytes"] = "4096", ["index.interval.bytes"] = "512", ["retention.ms"] = "86400000" },
            }]).OffPollThread();
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 0 }).Build())
            for (int i = 0; i < 120; i++)
                await producer.ProduceAsync("e2e-segments", new Message<string, string> { Key = $"k{i}", Value = $"{{\"n\":{i},\"pad\":\"{new string('p', 100)}\"}}" }, TestContext.Current.CancellationToken);
        string dir = Path.Combine(fixture.App.DataDir, "e2e-segments-0");
        var files = Directory.GetFiles(dir, "*.log").Select(f => LogFileNames.ParseBaseOffset(Path.GetFileName(f))!.Value).Order().ToList();
        Assert.True(files.Count >= 5, $"{files.Count} segments");

        var page = await fixture.Browser.OpenConnectedAsync(fixture.App.BaseUrl + "/topics/e2e-segments");
        await Ui.OpenTabAsync(page, "Segments");
        var table = page.GetByTestId("segments-table");
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(files.Count);
        await Expect(page.GetByTestId("segments-count").Locator(".stat-value")).ToHaveTextAsync(files.Count.ToString());
        await Expect(page.GetByTestId("strip-segment")).ToHaveCountAsync(files.Count);
        await Expect(table.Locator("[data-testid=segment-base]").First).ToHaveTextAsync(LogFileNames.FormatOffset(files[^1])); // newest first
        await Expect(table.Locator("[data-testid=segment-state]").First).ToContainTextAsync("active");
        await Expect(page.GetByTestId("segment-forecast")).ToContainTextAsync("retention.ms");
        await ShotAsync(page, "segments-tab");

        // Drill into the oldest segment: its batches with valid CRCs, then its offset index.
        await table.Locator("tbody tr").Last.ClickAsync();
        var detail = page.GetByTestId("segment-detail");
        await Expect(detail.GetByTestId("segment-detail-name")).ToHaveTextAsync(LogFileNames.FormatOffset(0));
        await Expect(detail.Locator("[data-testid=batch-offsets]").First).ToHaveTextAsync("0");
        int batches = await detail.Locator("[data-testid=batch-table] tbody tr").CountAsync();
        Assert.Equal((int)files[1], batches); // one record per batch: as many batches as offsets before the next segment
        await Expect(detail.Locator("[data-testid=batch-crc]", new() { HasText = "CRC invalid" })).ToHaveCountAsync(0);
        await Ui.OpenTabAsync(detail, "Offset index");
        await Expect(detail.GetByTestId("offset-index").Locator("[data-testid=index-offset]").First).ToBeVisibleAsync();
        await ShotAsync(page, "segment-detail");

        // A flipped bit in the oldest segment (the broker serves stored bytes as they are): the check finds it, the page stays up.
        string oldest = LogFileNames.LogFile(dir, 0);
        using (var file = new FileStream(oldest, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            var header = new byte[ControlCenter.LogFormat.Records.RecordBatchHeader.Size];
            file.ReadExactly(header);
            ControlCenter.LogFormat.Records.RecordBatchHeader.TryRead(header, out var first);
            long position = first.SizeInBytes + 70; // inside the second batch's records, which the CRC covers
            file.Position = position;
            int b = file.ReadByte();
            file.Position = position;
            file.WriteByte((byte)(b ^ 0x04));
        }
        await detail.GetByTestId("segment-verify").ClickAsync();
        await Expect(detail.GetByTestId("segment-crc-result")).ToContainTextAsync("1 batch(es) fail the CRC-32C check");
        await Ui.OpenTabAsync(detail, "Batches");
        await detail.GetByTestId("batches-first").ClickAsync();
        await Expect(detail.Locator("[data-testid=batch-crc]", new() { HasText = "CRC invalid" })).ToHaveCountAsync(1);

        // Purge up to the third segment: the broker drops the segments below the new log start; the tab follows.
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
            await admin.DeleteRecordsAsync([new TopicPartitionOffset("e2e-segments", 0, files[2])]).OffPollThread();
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(files.Count - 2);
        await Expect(page.GetByTestId("segments-log-start").Locator(".stat-value")).ToHaveTextAsync(files[2].ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.GetByTestId("strip-segment")).ToHaveCountAsync(files.Count - 2);
        await Expect(page.GetByTestId("segment-detail")).ToHaveCountAsync(0); // the opened segment is gone
    }
}
