using ControlCenter.Kafka.Cluster;
using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Metrics;
using ControlCenter.Testing;
using ControlCenter.Web.Hubs;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace ControlCenter.Benchmarks;

/// <summary>The live-metrics pipeline: produce → hub latency, monitor cost at 10,000 partitions, hub fan-out.</summary>
public static class LiveMetricsBenchmarks
{
    /// <summary>(a) Time from a produce call to the first hub message that shows the record, at the default 1 s tick.</summary>
    public static async Task LatencyAsync(Options options)
    {
        int samples = options.GetInt("samples", 60);
        await using var app = new AppFactory(Bench.AppSettings());
        var baseUri = app.Start();
        await Wait.UntilAsync(() => app.Monitor.Status.IsReachable, "cluster");
        await Clients.CreateTopicAsync(app.Bootstrap, "latency", 3);
        await using var hub = await ConnectAsync(baseUri);
        long wanted = long.MaxValue;
        var seen = new TaskCompletionSource<DateTime>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<TopicMetrics>("topic", m => { if (m.EndOffsets >= Interlocked.Read(ref wanted)) seen.TrySetResult(DateTime.UtcNow); });
        await hub.InvokeAsync<MetricsSubscription>("SubscribeTopic", "latency");
        Console.WriteLine($"live-latency: {samples} produces at random moments, monitor tick {app.Monitor.LastTickDuration.TotalMilliseconds:0} ms long, 1 s apart");

        using var producer = Clients.Producer(app.Bootstrap, c => c.LingerMs = 0);
        var latencies = new List<double>();
        var random = new Random(5);
        for (int i = 0; i < samples; i++)
        {
            await Task.Delay(random.Next(200, 1200)); // land anywhere in the tick
            seen = new TaskCompletionSource<DateTime>(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Exchange(ref wanted, i + 1);
            var sent = DateTime.UtcNow;
            await producer.ProduceAsync("latency", new Message<byte[]?, byte[]?> { Value = [1] });
            var arrived = await seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
            latencies.Add((arrived - sent).TotalMilliseconds);
        }
        latencies.Sort();
        Report.Line("produce → hub message, median", latencies[latencies.Count / 2], "ms");
        Report.Line("produce → hub message, p95", latencies[(int)(latencies.Count * 0.95)], "ms");
        Report.Line("produce → hub message, max", latencies[^1], "ms");
        Report.Line("target", "p95 ≤ 1,500 ms");
    }

    /// <summary>
    /// (b) The monitor at 10,000 partitions (1,000 topics × 10): the broker and the app each in their
    /// own process, the traffic (a record a second into every topic, 10 groups committing) from this
    /// one. Reports the app's CPU per tick and RSS, and the history's memory from /healthz (every
    /// topic busy: the worst case, since idle topics keep no history).
    /// </summary>
    public static async Task CostAsync(Options options)
    {
        int topics = options.GetInt("topics", 1000), partitions = options.GetInt("partitions", 10), seconds = options.GetInt("seconds", 60);
        string dataDir = TempDir.Create("bench-monitor");
        try
        {
            using var broker = await BrokerProcess.StartAsync(dataDir);
            var names = Enumerable.Range(0, topics).Select(i => $"load-{i:D4}").ToList();
            using (var admin = Clients.Admin(broker.BootstrapServers))
                foreach (var chunk in names.Chunk(100))
                    await admin.CreateTopicsAsync(chunk.Select(n => new TopicSpecification { Name = n, NumPartitions = partitions, ReplicationFactor = 1 }),
                        new CreateTopicsOptions { OperationTimeout = TimeSpan.FromSeconds(60), RequestTimeout = TimeSpan.FromSeconds(60) }).OffPollThread();
            // --env "DOTNET_X=1;DOTNET_Y=2" passes runtime knobs to the app, to compare settings in one run.
            var extra = options.Get("env", "").Split(';', StringSplitOptions.RemoveEmptyEntries).Select(kv => kv.Split('=', 2)).Select(kv => (kv[0], kv[1]));
            await using var app = await AppProcess.StartAsync([("Kafka__BootstrapServers", broker.BootstrapServers), ("Kafka__LogDirs__0", dataDir),
                ("Monitor__IntervalMs", "1000"), ("ASPNETCORE_ENVIRONMENT", "Production"), ("Logging__LogLevel__Default", "Warning"),
                ("Logging__LogLevel__Microsoft.Hosting.Lifetime", "Information"), .. extra]); // AppProcess waits for "Now listening on:"
            Console.WriteLine($"monitor-cost: {topics:N0} topics × {partitions} = {topics * partitions:N0} partitions; broker pid {broker.Pid}, app pid {app.Pid}; {seconds} s measured");

            using var load = new CancellationTokenSource();
            var traffic = Task.Run(() => Traffic(broker.BootstrapServers, names, load.Token));
            await Task.Delay(TimeSpan.FromSeconds(options.GetInt("warmup", 45))); // every topic has moved, every series exists, tiered JIT has settled
            if (options.GetInt("hold", 0) is > 0 and var hold)
            {
                Console.WriteLine($"holding {hold} s for a profiler: dotnet-trace collect -p {app.Pid}");
                await Task.Delay(TimeSpan.FromSeconds(hold));
            }
            var before = await MonitorAsync(app);
            long cpu = ProcessStats.CpuTimeTicks(app.Pid);
            var wall = Stopwatch.StartNew();
            var tickTimes = new List<double>();
            var rss = new List<double>();
            while (wall.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                await Task.Delay(1000);
                tickTimes.Add((await MonitorAsync(app)).LastTickMs);
                rss.Add(Report.Mb(ProcessStats.ResidentBytes(app.Pid))); // sampled every second: one reading lands anywhere in the GC's cycle
            }
            double cpuMs = (ProcessStats.CpuTimeTicks(app.Pid) - cpu) * 10.0;
            var after = await MonitorAsync(app);
            long tickCount = after.Ticks - before.Ticks;
            load.Cancel();
            await traffic;
            tickTimes.Sort();

            Report.Line("ticks in the window", tickCount, "ticks");
            Report.Line("app CPU per tick (whole app process)", cpuMs / tickCount, "ms");
            Report.Line("app CPU, share of one core", $"{cpuMs / wall.Elapsed.TotalMilliseconds:P1}");
            Report.Line("tick duration, median", tickTimes[tickTimes.Count / 2], "ms");
            Report.Line("tick duration, p95", tickTimes[(int)(tickTimes.Count * 0.95)], "ms");
            Report.Line("history series (cluster + topics + groups)", after.HistorySeries, "series");
            Report.Line("history memory (all preallocated)", Report.Mb(after.HistoryBytes), "MB");
            rss.Sort();
            Report.Line("app RSS, median over the window", rss[rss.Count / 2], "MB");
            Report.Line("app RSS, max over the window", rss[^1], "MB");
            Report.Line("app peak RSS (VmHWM)", Report.Mb(ProcessStats.PeakMemoryBytes(app.Pid)), "MB");
            Report.Line("targets", "< 10% of one core, RSS ≤ 200 MB");
        }
        finally { TempDir.Delete(dataDir); }
    }

    private sealed record MonitorFigures(long Ticks, double LastTickMs, int HistorySeries, long HistoryBytes);

    internal sealed record ClusterFigures(string Name, bool Reachable, int Partitions, long Ticks, double LastTickMs, long HistoryBytes, long AlertEvaluations);

    /// <summary>Every cluster's monitor figures, from /healthz.</summary>
    internal static async Task<List<ClusterFigures>> ClustersAsync(AppProcess app)
    {
        using var http = new HttpClient();
        using var json = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(app.BaseUrl + "/healthz"));
        return json.RootElement.GetProperty("cluster").GetProperty("clusters").EnumerateArray().Select(c => new ClusterFigures(
            c.GetProperty("name").GetString()!, c.GetProperty("reachable").GetBoolean(), c.GetProperty("partitions").GetInt32(), c.GetProperty("ticks").GetInt64(),
            c.GetProperty("lastTickMs").GetDouble(), c.GetProperty("historyBytes").GetInt64(), c.GetProperty("alertEvaluations").GetInt64())).ToList();
    }

    private static async Task<MonitorFigures> MonitorAsync(AppProcess app)
    {
        using var http = new HttpClient();
        using var json = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(app.BaseUrl + "/healthz"));
        var m = json.RootElement.GetProperty("cluster").GetProperty("monitor");
        return new MonitorFigures(m.GetProperty("ticks").GetInt64(), m.GetProperty("lastTickMs").GetDouble(),
            m.GetProperty("historySeries").GetInt32(), m.GetProperty("historyBytes").GetInt64());
    }

    /// <summary>One record a second into every topic, and 10 groups committing their position on 10 topics each.</summary>
    internal static async Task Traffic(string bootstrap, List<string> topics, CancellationToken stop)
    {
        using var producer = Clients.Producer(bootstrap, c => c.LingerMs = 50);
        using var committer = Clients.Consumer(bootstrap, "bench-committer");
        long round = 0;
        while (!stop.IsCancellationRequested)
        {
            foreach (var topic in topics) producer.Produce(topic, new Message<byte[]?, byte[]?> { Value = new byte[120] });
            producer.Flush(TimeSpan.FromSeconds(10));
            round++;
            for (int g = 0; g < 10; g++)
            {
                var offsets = topics.Skip(g * 10).Take(10).Select(t => new TopicPartitionOffset(t, 0, round / 10)).ToList();
                using var group = Clients.Consumer(bootstrap, $"bench-group-{g}");
                group.Commit(offsets);
            }
            try { await Task.Delay(1000, stop); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>(c) 100 hub clients subscribed to the cluster and a topic: every one receives every tick.</summary>
    public static async Task FanOutAsync(Options options)
    {
        int clients = options.GetInt("clients", 100), seconds = options.GetInt("seconds", 30);
        await using var app = new AppFactory(Bench.AppSettings());
        var baseUri = app.Start();
        await Wait.UntilAsync(() => app.Monitor.Status.IsReachable, "cluster");
        await Clients.CreateTopicAsync(app.Bootstrap, "fanout", 3);
        var received = new ConcurrentDictionary<int, ConcurrentQueue<(DateTimeOffset Tick, DateTime At)>>();
        var hubs = new List<HubConnection>();
        for (int c = 0; c < clients; c++)
        {
            var hub = await ConnectAsync(baseUri);
            var queue = received[c] = new ConcurrentQueue<(DateTimeOffset, DateTime)>();
            hub.On<ClusterMetrics>("cluster", m => queue.Enqueue((m.Time, DateTime.UtcNow)));
            hub.On<TopicMetrics>("topic", _ => { });
            await hub.InvokeAsync<MetricsSubscription>("SubscribeCluster");
            await hub.InvokeAsync<MetricsSubscription>("SubscribeTopic", "fanout");
            hubs.Add(hub);
        }
        Console.WriteLine($"hub-fanout: {clients} WebSocket clients on the cluster and a topic for {seconds} s");
        var ticks = new ConcurrentQueue<DateTimeOffset>();
        void OnTick(MetricsSnapshot s) => ticks.Enqueue(s.Cluster.Time);
        var metrics = app.Get<LiveMetrics>();
        foreach (var q in received.Values) q.Clear();
        metrics.Updated += OnTick;
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        metrics.Updated -= OnTick;
        await Task.Delay(1000); // the last tick's messages in flight
        var tickSet = ticks.ToHashSet();
        var perClient = received.Values.Select(q => q.Count(m => tickSet.Contains(m.Tick))).ToList();
        var delays = received.Values.SelectMany(q => q.Where(m => tickSet.Contains(m.Tick)).Select(m => (m.At - m.Tick.UtcDateTime).TotalMilliseconds)).Order().ToList();
        Report.Line("ticks in the window", tickSet.Count, "ticks");
        Report.Line("ticks received per client, min", perClient.Min(), "ticks");
        Report.Line("ticks received per client, max", perClient.Max(), "ticks");
        Report.Line("clients that missed a tick", perClient.Count(n => n < tickSet.Count), "clients");
        Report.Line("tick → client delay, median", delays[delays.Count / 2], "ms");
        Report.Line("tick → client delay, p95", delays[(int)(delays.Count * 0.95)], "ms");
        foreach (var hub in hubs) await hub.DisposeAsync();
    }

    private static Task<HubConnection> ConnectAsync(Uri baseUri) => MetricsHubClient.ConnectAsync(baseUri);
}
