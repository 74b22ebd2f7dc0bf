using System.Diagnostics;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Testing;

namespace ControlCenter.Benchmarks;

/// <summary>
/// The dashboard watching several clusters at once: --clusters (5) broker processes of --topics (200)
/// × --partitions (10) partitions each, all busy, and the alert rules of every kind evaluated on every
/// tick of every cluster. Reports the app's CPU, RSS and each cluster's tick time.
/// </summary>
public static class ManyClustersCost
{
    private static readonly string[] RuleKinds = ["consumer-lag-records", "consumer-lag-seconds", "no-production", "under-replicated-partitions",
        "offline-partitions", "broker-down", "controller-change", "log-dir-usage", "produce-rate-above", "produce-rate-below"];

    public static async Task RunAsync(Options options)
    {
        int clusters = options.GetInt("clusters", 5), topics = options.GetInt("topics", 200), partitions = options.GetInt("partitions", 10), seconds = options.GetInt("seconds", 60);
        var dirs = Enumerable.Range(0, clusters).Select(i => TempDir.Create($"bench-clusters-{i}")).ToList();
        var brokers = new List<BrokerProcess>();
        try
        {
            var names = Enumerable.Range(0, topics).Select(i => $"load-{i:D4}").ToList();
            foreach (string dir in dirs)
            {
                var broker = await BrokerProcess.StartAsync(dir);
                brokers.Add(broker);
                using var admin = Clients.Admin(broker.BootstrapServers);
                foreach (var chunk in names.Chunk(100))
                    await admin.CreateTopicsAsync(chunk.Select(n => new TopicSpecification { Name = n, NumPartitions = partitions, ReplicationFactor = 1 }),
                        new CreateTopicsOptions { OperationTimeout = TimeSpan.FromSeconds(60), RequestTimeout = TimeSpan.FromSeconds(60) }).OffPollThread();
            }
            var settings = new List<(string, string)> { ("Monitor__IntervalMs", "1000"), ("ASPNETCORE_ENVIRONMENT", "Production"),
                ("Logging__LogLevel__Default", "Warning"), ("Logging__LogLevel__Microsoft.Hosting.Lifetime", "Information") };
            for (int i = 0; i < clusters; i++)
            {
                settings.Add(($"Clusters__c{i}__BootstrapServers", brokers[i].BootstrapServers));
                settings.Add(($"Clusters__c{i}__LogDirs__0", dirs[i]));
            }
            // Every kind of rule on every topic and group, thresholds that keep most of them quiet (firing ones only add history lines).
            for (int r = 0; r < RuleKinds.Length; r++)
            {
                settings.Add(($"Alerts__Rules__{r}__Kind", RuleKinds[r]));
                settings.Add(($"Alerts__Rules__{r}__Threshold", RuleKinds[r] switch { "log-dir-usage" => "99.9", "no-production" => "60", "produce-rate-below" => "0", _ => "1000000" }));
            }
            await using var app = await AppProcess.StartAsync([.. settings]);
            Console.WriteLine($"many-clusters: {clusters} clusters × {topics * partitions:N0} partitions, {RuleKinds.Length} alert rules each; app pid {app.Pid}; {seconds} s measured");

            using var load = new CancellationTokenSource();
            var traffic = brokers.Select(b => Task.Run(() => LiveMetricsBenchmarks.Traffic(b.BootstrapServers, names, load.Token))).ToList();
            await Task.Delay(TimeSpan.FromSeconds(options.GetInt("warmup", 45)));
            var before = await LiveMetricsBenchmarks.ClustersAsync(app);
            long cpu = ProcessStats.CpuTimeTicks(app.Pid);
            var wall = Stopwatch.StartNew();
            var tickTimes = new List<double>();
            var rss = new List<double>();
            while (wall.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                await Task.Delay(1000);
                tickTimes.AddRange((await LiveMetricsBenchmarks.ClustersAsync(app)).Select(c => c.LastTickMs));
                rss.Add(Report.Mb(ProcessStats.ResidentBytes(app.Pid)));
            }
            double cpuMs = (ProcessStats.CpuTimeTicks(app.Pid) - cpu) * 10.0;
            var after = await LiveMetricsBenchmarks.ClustersAsync(app);
            await load.CancelAsync();
            await Task.WhenAll(traffic);
            long ticks = after.Sum(c => c.Ticks) - before.Sum(c => c.Ticks);
            long evaluations = after.Sum(c => c.AlertEvaluations) - before.Sum(c => c.AlertEvaluations);
            tickTimes.Sort();
            rss.Sort();

            Report.Line("clusters reachable", after.Count(c => c.Reachable), "clusters");
            Report.Line("partitions watched", after.Sum(c => c.Partitions), "partitions");
            Report.Line("ticks in the window (all clusters)", ticks, "ticks");
            Report.Line("alert evaluations in the window", evaluations, "evaluations");
            Report.Line("app CPU, share of one core", $"{cpuMs / wall.Elapsed.TotalMilliseconds:P1}");
            Report.Line("app CPU per cluster tick (whole app)", cpuMs / Math.Max(1, ticks), "ms");
            Report.Line("tick duration, median (all clusters)", tickTimes[tickTimes.Count / 2], "ms");
            Report.Line("tick duration, p95 (all clusters)", tickTimes[(int)(tickTimes.Count * 0.95)], "ms");
            Report.Line("history memory, all clusters", Report.Mb(after.Sum(c => c.HistoryBytes)), "MB");
            Report.Line("app RSS, median over the window", rss[rss.Count / 2], "MB");
            Report.Line("app peak RSS (VmHWM)", Report.Mb(ProcessStats.PeakMemoryBytes(app.Pid)), "MB");
        }
        finally
        {
            foreach (var broker in brokers) broker.Dispose();
            foreach (string dir in dirs) TempDir.Delete(dir);
        }
    }
}
