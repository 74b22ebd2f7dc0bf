using System.Diagnostics;
using ControlCenter.Kafka;
using ControlCenter.Kafka.Segments;
using ControlCenter.LogFormat.Records;
using ControlCenter.Testing;

namespace ControlCenter.Benchmarks;

/// <summary>
/// The Segments tab on a partition of 1,000 segments and 10 GB (written in Kafka's format): the
/// listing and the first page's header statistics, in this process and as Chromium sees them,
/// beside what a full header walk of every segment would cost (what the tab avoids).
/// </summary>
public static class SegmentsView
{
    public static async Task RunAsync(Options options)
    {
        int segments = options.GetInt("segments", 1000), segmentMb = options.GetInt("segment-mb", 10);
        string root = TempDir.Create("bench-segments");
        try
        {
            // 100 records of 100 bytes a batch (~11 KiB, like a producer with linger), an index entry every 4 KiB.
            var sample = new RecordBatchBuilder();
            for (int r = 0; r < 100; r++) sample.Add(0, "key-0000"u8.ToArray(), new byte[100]);
            int batchBytes = sample.Build().Length;
            int batches = segmentMb * 1024 * 1024 / batchBytes;
            var write = Stopwatch.StartNew();
            long records = SegmentFileWriter.Write(Path.Combine(root, "bench-segments-0"),
                new SegmentFileWriter.Layout(segments, batches, 100, 100, DateTimeOffset.UtcNow.AddDays(-6).ToUnixTimeMilliseconds(), 5));
            long bytes = Directory.GetFiles(Path.Combine(root, "bench-segments-0"), "*.log").Sum(f => new FileInfo(f).Length);
            Console.WriteLine($"segments-view: {segments:N0} segments, {bytes / 1e9:0.0} GB, {records:N0} records in {write.Elapsed.TotalSeconds:0} s");

            var service = new SegmentService(new ClusterConnection(Microsoft.Extensions.Options.Options.Create(
                new KafkaOptions { BootstrapServers = "localhost:1", LogDirs = [root] })), TimeProvider.System);
            var list = new List<double>();
            var stats = new List<double>();
            PartitionLogView? view = null;
            for (int i = 0; i < 10; i++)
            {
                var w = Stopwatch.StartNew();
                view = await service.ListAsync("bench-segments", 0);
                list.Add(w.Elapsed.TotalMilliseconds);
                // A fresh service each time: its statistics cache starts empty, as on the first visit.
                var fresh = new SegmentService(new ClusterConnection(Microsoft.Extensions.Options.Options.Create(new KafkaOptions { BootstrapServers = "localhost:1", LogDirs = [root] })), TimeProvider.System);
                w.Restart();
                await fresh.StatsAsync("bench-segments", 0, view!.Segments.Reverse().Take(25).ToList());
                stats.Add(w.Elapsed.TotalMilliseconds);
            }
            if (view!.Segments.Count != segments) throw new InvalidOperationException($"listed {view.Segments.Count} segments");
            Report.Line("listing (all segments), median", Median(list), "ms");
            Report.Line("header stats, first page of 25, median", Median(stats), "ms");
            Report.Line("listing + first page, median", Median(list) + Median(stats), "ms");

            var full = Stopwatch.StartNew();
            long walked = view.Segments.Sum(s => PartitionLogReader.Stats(view.Directory, s.BaseOffset).Batches);
            Report.Line($"for scale: header walk of all {segments:N0} segments", full.Elapsed.TotalMilliseconds, $"ms ({walked:N0} batches)");

            await BrowserAsync(root, segments);
            Report.Line("target", "≤ 300 ms to render the list");
        }
        finally { TempDir.Delete(root); }
    }

    /// <summary>An external cluster (the broker process) whose log dir is the generated one: click on the tab → first row with its statistics.</summary>
    private static async Task BrowserAsync(string logDir, int segments)
    {
        string brokerData = TempDir.Create("bench-segments-broker");
        try
        {
            using var broker = await BrokerProcess.StartAsync(brokerData);
            await Clients.CreateTopicAsync(broker.BootstrapServers, "bench-segments", 1);
            await using var app = await AppProcess.StartAsync(("Kafka__BootstrapServers", broker.BootstrapServers), ("Kafka__LogDirs__0", logDir),
                ("Logging__LogLevel__Default", "Warning"), ("Logging__LogLevel__Microsoft.Hosting.Lifetime", "Information"));
            await using var browser = await Browser.LaunchAsync();
            var times = new List<double>();
            double first = 0;
            for (int i = 0; i < 6; i++)
            {
                var page = await browser.OpenConnectedAsync(app.BaseUrl + "/topics/bench-segments");
                var w = Stopwatch.StartNew();
                await page.Locator(".mud-tab", new() { HasText = "Segments" }).ClickAsync();
                await page.WaitForSelectorAsync("[data-testid=segments-table] tbody tr [data-testid=segment-records]:not(:text('…'))");
                if (i == 0) first = w.Elapsed.TotalMilliseconds; // cold: the app's JIT and its statistics cache
                else times.Add(w.Elapsed.TotalMilliseconds);
                int strip = int.Parse(await page.GetByTestId("segment-strip").GetAttributeAsync("data-segments") ?? "0");
                if (strip != segments) throw new InvalidOperationException($"strip shows {strip} segments");
                await page.Context.CloseAsync();
            }
            Report.Line("Chromium: first visit (cold app), click → first row with stats", first, "ms");
            Report.Line("Chromium: later visits, click → first row with stats, median", Median(times), "ms");
            Report.Line("Chromium: click on Segments → first row with stats, max", times.Max(), "ms");
        }
        finally { TempDir.Delete(brokerData); }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
