using ControlCenter.Kafka.Cluster;
using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Testing;

namespace ControlCenter.Benchmarks;

/// <summary>
/// The Partitions tab of a 10,000-partition topic (--partitions): first rows on a fresh load and
/// after a tab switch in Chromium, and the app's managed memory per open page, side by side with
/// a 100-partition topic: a page of rows should cost the same whatever the partition count.
/// </summary>
public static class PartitionsTab
{
    private const int PagesOpen = 10;

    public static async Task RunAsync(Options options)
    {
        int partitions = options.GetInt("partitions", 10_000);
        await using var browser = await Browser.LaunchAsync();
        // Timings with the monitor ticking every second, as the app runs for a user.
        await using (var app = new AppFactory(Bench.AppSettings()))
        {
            var baseUri = await StartAsync(app, partitions);
            const string row = "[data-testid=partitions-table] tbody tr td";
            await PageTiming.FirstRowAsync(browser, new Uri(baseUri, "/topics/wide?tab=partitions"), row, $"Partitions tab, {partitions:N0} partitions",
                "data-testid=\"partitions-table\"");
            await PageTiming.FirstRowAsync(browser, new Uri(baseUri, "/topics/narrow?tab=partitions"), row, "Partitions tab, 100 partitions",
                "data-testid=\"partitions-table\"");
            await TabSwitchAsync(browser, new Uri(baseUri, "/topics/wide"), partitions);
        }
        // Memory with a monitor that ticks only when asked: a tick over 10,000 partitions moves the
        // heap by more than ten pages weigh, so the heap is compared with no tick in between.
        await using (var app = new AppFactory(Bench.AppSettings(new() { ["Monitor:IntervalMs"] = "3600000", ["Monitor:GroupIntervalMs"] = "3600000" })))
        {
            var baseUri = await StartAsync(app, partitions);
            var narrowUrl = new Uri(baseUri, "/topics/narrow?tab=partitions");
            var wideUrl = new Uri(baseUri, "/topics/wide?tab=partitions");
            await HeapPerOpenPageAsync(app, browser, narrowUrl); // warm-up: first-use caches stay, whichever page comes first
            var narrows = new List<double>();
            var wides = new List<double>();
            for (int round = 0; round < 2; round++)
            {
                narrows.Add(await HeapPerOpenPageAsync(app, browser, narrowUrl));
                wides.Add(await HeapPerOpenPageAsync(app, browser, wideUrl));
            }
            double narrow = narrows.Average(), wide = wides.Average();
            Report.Line("managed heap per open Partitions tab, 100 partitions", narrow / 1024.0, "KiB");
            Report.Line($"managed heap per open Partitions tab, {partitions:N0} partitions", wide / 1024.0, "KiB");
        }
        Report.Line("target", "first rows ≤ 500 ms; memory per page independent of the partition count");
    }

    /// <summary>Starts the app with a topic of <paramref name="partitions"/> partitions (a record in every 7th) and one of 100.</summary>
    private static async Task<Uri> StartAsync(AppFactory app, int partitions)
    {
        var baseUri = app.Start();
        await Wait.UntilAsync(() => app.Monitor.Status.IsReachable, "cluster");
        var seed = Stopwatch.StartNew();
        using (var admin = Clients.Admin(app.Bootstrap))
            await admin.CreateTopicsAsync([
                new TopicSpecification { Name = "wide", NumPartitions = partitions, ReplicationFactor = 1 },
                new TopicSpecification { Name = "narrow", NumPartitions = 100, ReplicationFactor = 1 }],
                new CreateTopicsOptions { OperationTimeout = TimeSpan.FromMinutes(5), RequestTimeout = TimeSpan.FromMinutes(5) }).OffPollThread();
        using (var producer = Clients.Producer(app.Bootstrap))
        {
            for (int p = 0; p < partitions; p += 7) producer.Produce(new TopicPartition("wide", p), new Message<byte[]?, byte[]?> { Value = new byte[100] });
            producer.Flush(TimeSpan.FromSeconds(60));
        }
        await Wait.UntilAsync(async () =>
        {
            await app.Cluster.RefreshAsync(CancellationToken.None);
            return app.Monitor.Snapshot?.Topics.GetValueOrDefault("wide")?.Partitions.Count == partitions;
        }, "the wide topic in the snapshot", TimeSpan.FromMinutes(5));
        Console.WriteLine($"partitions-tab: a topic of {partitions:N0} partitions (created and read in {seed.Elapsed.TotalSeconds:0.0} s) beside one of 100");
        return baseUri;
    }

    /// <summary>Overview tab loaded and interactive; then a click on Partitions → its first row on screen (browser clock).</summary>
    private static async Task TabSwitchAsync(Browser browser, Uri url, int partitions)
    {
        var times = new List<double>();
        for (int i = 0; i < 7; i++)
        {
            var context = await browser.Instance.NewContextAsync();
            var page = await browser.OpenAsync(url.ToString(), context);
            await page.EvaluateAsync("() => { window.__t0 = performance.now(); }");
            await page.Locator(".mud-tab", new() { HasText = "Partitions" }).ClickAsync();
            await page.WaitForSelectorAsync("[data-testid=partitions-table] tbody tr td");
            times.Add(await page.EvaluateAsync<double>("() => performance.now() - window.__t0"));
            await PageTiming.LeaveAsync(context);
        }
        Report.Line($"Chromium tab switch Overview → Partitions ({partitions:N0}), median", PageTiming.Median(times), "ms");
        Report.Line($"Chromium tab switch Overview → Partitions ({partitions:N0}), max", times.Max(), "ms");
    }

    /// <summary>Managed heap with <see cref="PagesOpen"/> live pages, minus before, per page.</summary>
    private static async Task<long> HeapPerOpenPageAsync(AppFactory app, Browser browser, Uri url)
    {
        var circuits = app.Get<ControlCenter.Web.Hosting.CircuitCount>();
        await Wait.UntilAsync(() => circuits.Open == 0, "no circuits before measuring");
        long before = Heap();
        var contexts = new List<Microsoft.Playwright.IBrowserContext>();
        for (int i = 0; i < PagesOpen; i++)
        {
            var context = await browser.Instance.NewContextAsync();
            await browser.OpenAsync(url.ToString(), context);
            contexts.Add(context);
        }
        long after = Heap();
        foreach (var context in contexts) await PageTiming.LeaveAsync(context);
        // Left tabs end their circuits shortly after (Blazor's unload beacon): wait, so the next measurement starts clean.
        await Wait.UntilAsync(() => circuits.Open == 0, "the left pages' circuits to end");
        return (after - before) / PagesOpen;
    }

    /// <summary>
    /// Live managed bytes after a full compacting collection, without the pinned-object heap: that
    /// is where Kestrel and SignalR pool their socket buffers, which they trim on their own clock
    /// and which would swing the figure by more than the pages weigh.
    /// </summary>
    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        long bytes = 0;
        for (int generation = 0; generation < 4; generation++) bytes += info.GenerationInfo[generation].SizeAfterBytes; // gen0–2 and the LOH
        return bytes;
    }
}
