using ControlCenter.Kafka.Cluster;
using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Topics;
using ControlCenter.Testing;

namespace ControlCenter.Benchmarks;

/// <summary>
/// Topics page at scale: 2,000 topics × 10 partitions in the embedded broker. Measures the
/// server time to the first page of data, the page seen in Chromium, and admin requests per
/// page load (the page reads the monitor's snapshot, so it should add none).
/// </summary>
public static class TopicsPage
{
    public static async Task RunAsync(Options options)
    {
        int topics = options.GetInt("topics", 2000), partitions = options.GetInt("partitions", 10);
        await using var app = new AppFactory(Bench.AppSettings());
        var baseUri = app.Start();
        await Wait.UntilAsync(() => app.Monitor.Status.IsReachable, "cluster");
        Console.WriteLine($"topics-page: {topics:N0} topics × {partitions} partitions in the embedded broker");

        await SeedAsync(app.Bootstrap, 10, partitions, "small");
        await Wait.UntilAsync(() => app.Monitor.Snapshot?.Topics.Count >= 10, "10 topics");
        var (smallPerTick, smallTick) = await RequestsPerTickAsync(app);

        var seed = Stopwatch.StartNew();
        await SeedAsync(app.Bootstrap, topics - 10, partitions, "bench");
        await Wait.UntilAsync(() => app.Monitor.Snapshot?.Topics.Count >= topics, $"{topics} topics in the snapshot", TimeSpan.FromSeconds(300));
        Report.Line("seeded topics in", seed.Elapsed.TotalSeconds, "s");
        var (largePerTick, largeTick) = await RequestsPerTickAsync(app);
        Report.Line("admin requests per monitor tick, 10 topics", smallPerTick, "req");
        Report.Line($"admin requests per monitor tick, {topics} topics", largePerTick, "req");
        Report.Line("monitor tick duration, 10 topics", smallTick.TotalMilliseconds, "ms");
        Report.Line($"monitor tick duration, {topics * partitions:N0} partitions", largeTick.TotalMilliseconds, "ms");

        // Server side of a page load: the query over the snapshot (the grid's ServerData).
        var snapshot = app.Monitor.Snapshot;
        var times = new List<double>();
        foreach (var sort in Enumerable.Repeat(new[] { TopicSort.Name, TopicSort.Size, TopicSort.Messages, TopicSort.Partitions }, 25).SelectMany(s => s))
        {
            var w = Stopwatch.StartNew();
            var page = TopicList.Query(snapshot, new TopicQuery(SortBy: sort, Descending: true, PageSize: 25));
            times.Add(w.Elapsed.TotalMilliseconds);
            if (page.Total < topics - 1) throw new InvalidOperationException("missing topics");
        }
        Report.Line("first page query (sorted), median", Median(times), "ms");
        Report.Line("first page query (sorted), max", times.Max(), "ms");

        // Page loads over HTTP, counting broker requests: ten ticks while idle, then ten ticks of
        // back-to-back page loads; the difference is what page loads cost the cluster.
        using var http = new HttpClient { BaseAddress = baseUri };
        await http.GetStringAsync("/topics");
        long idle = await RequestsOverTicksAsync(app, 10, null);
        var httpTimes = new List<double>();
        long busy = await RequestsOverTicksAsync(app, 10, async () =>
        {
            var w = Stopwatch.StartNew();
            await http.GetStringAsync("/topics");
            TopicList.Query(app.Monitor.Snapshot, new TopicQuery(PageSize: 25));
            httpTimes.Add(w.Elapsed.TotalMilliseconds);
        });
        Report.Line("GET /topics server time, median", Median(httpTimes), "ms");
        Report.Line("page loads in the measured window", httpTimes.Count, "loads");
        Report.Line("admin requests per page load", Math.Max(0, busy - idle) / (double)httpTimes.Count, "req");

        // In Chromium: navigation → first row on screen (includes the circuit handshake).
        await using var browser = await Browser.LaunchAsync();
        await PageTiming.FirstRowAsync(browser, new Uri(baseUri, "/topics"), "[data-testid=topic-grid] tbody tr a.topic-link", "topics page", "class=\"mud-link mud-primary-text topic-link\"");

        int groups = options.GetInt("groups", 5000);
        if (groups > 0)
        {
            var seedGroups = Stopwatch.StartNew();
            await SeedGroupsAsync(app.Bootstrap, groups);
            await Wait.UntilAsync(() => app.Monitor.GroupLags.Count >= groups, $"{groups} groups read by the monitor", TimeSpan.FromSeconds(600));
            Report.Line($"seeded {groups:N0} consumer groups in", seedGroups.Elapsed.TotalSeconds, "s");
            await PageTiming.FirstRowAsync(browser, new Uri(baseUri, "/groups"), "[data-testid=group-grid] tbody tr a.group-link", "groups page", "class=\"mud-link mud-primary-text group-link\"");
        }
    }

    /// <summary>Groups that committed an offset (simple groups, as admin tools and assign-mode consumers make them).</summary>
    private static async Task SeedGroupsAsync(string bootstrap, int count)
    {
        using var admin = Clients.Admin(bootstrap);
        foreach (var wave in Enumerable.Range(0, count).Chunk(50))
            await Task.WhenAll(wave.Select(i => admin.AlterConsumerGroupOffsetsAsync(
                [new ConsumerGroupTopicPartitionOffsets($"bench-group-{i:D5}", [new TopicPartitionOffset("bench-00000", 0, 0)])])));
    }

    private static double Median(List<double> values) => PageTiming.Median(values);

    /// <summary>Broker requests during exactly <paramref name="ticks"/> monitor ticks, running <paramref name="work"/> meanwhile.</summary>
    private static async Task<long> RequestsOverTicksAsync(AppFactory app, int ticks, Func<Task>? work)
    {
        long start = app.Monitor.Ticks;
        await Wait.UntilAsync(() => app.Monitor.Ticks > start, "a tick");
        long firstTick = app.Monitor.Ticks, requests = app.TotalRequests;
        while (app.Monitor.Ticks < firstTick + ticks)
            if (work is null) await Task.Delay(20); else await work();
        return app.TotalRequests - requests;
    }

    private static async Task<(double PerTick, TimeSpan Tick)> RequestsPerTickAsync(AppFactory app)
    {
        long ticks = app.Monitor.Ticks;
        await Wait.UntilAsync(() => app.Monitor.Ticks > ticks, "a tick");
        long startRequests = app.TotalRequests, startTicks = app.Monitor.Ticks;
        await Wait.UntilAsync(() => app.Monitor.Ticks >= startTicks + 5, "5 ticks", TimeSpan.FromSeconds(60));
        return ((app.TotalRequests - startRequests) / (double)(app.Monitor.Ticks - startTicks), app.Monitor.LastTickDuration);
    }

    private static async Task SeedAsync(string bootstrap, int count, int partitions, string prefix)
    {
        using var admin = Clients.Admin(bootstrap);
        foreach (var chunk in Enumerable.Range(0, count).Chunk(100))
            await admin.CreateTopicsAsync(chunk.Select(i => new TopicSpecification { Name = $"{prefix}-{i:D5}", NumPartitions = partitions, ReplicationFactor = 1 }),
                new CreateTopicsOptions { OperationTimeout = TimeSpan.FromSeconds(60), RequestTimeout = TimeSpan.FromSeconds(60) }).OffPollThread();
        using var producer = Clients.Producer(bootstrap);
        for (int i = 0; i < Math.Min(count, 200); i++)
            producer.Produce(new TopicPartition($"{prefix}-{i:D5}", 0), new Message<byte[]?, byte[]?> { Value = new byte[100 + i] });
        producer.Flush(TimeSpan.FromSeconds(30));
    }
}
