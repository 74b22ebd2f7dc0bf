using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Testing;

namespace ControlCenter.Benchmarks;

/// <summary>
/// The replicated embedded cluster: produce throughput with replication factor 3 and acks=all
/// beside replication factor 1 and acks=1 (alternating, same process), memory per node, and
/// failover time (leader killed → first acknowledged acks=all record) over many runs.
/// </summary>
public static class ClusterReplication
{
    public static async Task ThroughputAsync(Options options)
    {
        int records = options.GetInt("records", 1_000_000);
        int rounds = options.GetInt("rounds", 2);
        string dir3 = TempDir.Create("bench-cluster3"), dir1 = TempDir.Create("bench-cluster1");
        try
        {
            long idle1, idleCpu1;
            using (var single = await BrokerProcess.StartAsync(dir1))
            {
                await Task.Delay(2000); // idle baseline: nothing to wait for but the JIT settling
                idle1 = ProcessStats.ResidentBytes(single.Pid);
                idleCpu1 = await IdleCpuMsAsync(single);
            }
            using var cluster = await BrokerProcess.StartAsync(dir3, 0, "--EmbeddedBroker:Nodes=3");
            await Task.Delay(2000);
            long idle3 = ProcessStats.ResidentBytes(cluster.Pid);
            long idleCpu3 = await IdleCpuMsAsync(cluster);
            Report.Line("RSS idle, 1 node / 3 nodes", $"{Report.Mb(idle1):N0} / {Report.Mb(idle3):N0} MB");
            Report.Line("memory per extra node (idle RSS)", Report.Mb(idle3 - idle1) / 2, "MB");
            Report.Line("idle CPU per minute, 1 node / 3 nodes (with __consumer_offsets)", $"{idleCpu1 * 6:N0} / {idleCpu3 * 6:N0} ms");

            using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers }).Build())
                await admin.CreateTopicsAsync([
                    new TopicSpecification { Name = "rf1", NumPartitions = 6, ReplicationFactor = 1 },
                    new TopicSpecification { Name = "rf3", NumPartitions = 6, ReplicationFactor = 3 },
                ]).OffPollThread();
            Console.WriteLine($"cluster-throughput: {records:N0} records of 100 bytes per run, 6 partitions, 3 nodes in pid {cluster.Pid}");
            for (int round = 1; round <= rounds; round++)
            {
                long cpu = cluster.CpuTimeTicks;
                double rf1 = Produce(cluster.BootstrapServers, "rf1", records, Acks.Leader);
                long cpu1 = cluster.CpuTimeTicks - cpu;
                cpu = cluster.CpuTimeTicks;
                double rf3 = Produce(cluster.BootstrapServers, "rf3", records, Acks.All);
                long cpu3 = cluster.CpuTimeTicks - cpu;
                Report.Line($"round {round}: RF=1 acks=1", records / rf1, "rec/s");
                Report.Line($"round {round}: RF=3 acks=all", records / rf3, "rec/s");
                Report.Line($"round {round}: cluster CPU RF=1 / RF=3", $"{cpu1 * 10:N0} / {cpu3 * 10:N0} ms");
            }
            Report.Line("peak cluster memory (VmHWM)", Report.Mb(cluster.PeakMemoryBytes), "MB");
        }
        finally
        {
            TempDir.Delete(dir3);
            TempDir.Delete(dir1);
        }
    }

    /// <summary>
    /// CPU the broker process uses over ten idle seconds once a group has committed (so the 50
    /// __consumer_offsets partitions exist and, on a cluster, their followers fetch): what the
    /// default cluster costs a laptop doing nothing.
    /// </summary>
    private static async Task<long> IdleCpuMsAsync(BrokerProcess broker)
    {
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "idle-probe", NumPartitions = 1 }]).OffPollThread();
        using (var consumer = new ConsumerBuilder<Null, Null>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "idle-probe" }).Build())
            consumer.Commit([new TopicPartitionOffset("idle-probe", 0, 0)]);
        await Task.Delay(3000); // the offsets topic's replicas settle
        long before = broker.CpuTimeTicks;
        await Task.Delay(10_000);
        return (broker.CpuTimeTicks - before) * 10;
    }

    private static double Produce(string bootstrap, string topic, int records, Acks acks)
    {
        var (seconds, errors) = BrokerThroughput.Produce(bootstrap, records, 100, topic, acks);
        if (errors > 0) Report.Line($"{topic} produce errors", errors, "records");
        return seconds;
    }

    /// <summary>Leader of a partition killed → the first acks=all record acknowledged; the node is restarted and back in the ISR before the next run.</summary>
    public static async Task FailoverAsync(Options options)
    {
        int runs = options.GetInt("runs", 20);
        await using var cluster = await TestCluster.StartAsync(3);
        string bootstrap = cluster.BootstrapServers;
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "failover", NumPartitions = 1, ReplicationFactor = 3 }]).OffPollThread();
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All, MessageTimeoutMs = 60_000 }).Build();
        await producer.ProduceAsync("failover", new Message<Null, string> { Value = "warm-up" });
        var times = new List<double>();
        for (int run = 0; run < runs; run++)
        {
            int leader = admin.GetMetadata("failover", TimeSpan.FromSeconds(10)).Topics[0].Partitions[0].Leader;
            var watch = Stopwatch.StartNew();
            await cluster.Cluster.KillNodeAsync(leader);
            await producer.ProduceAsync("failover", new Message<Null, string> { Value = $"after-kill-{run}" });
            times.Add(watch.Elapsed.TotalMilliseconds);
            await cluster.Cluster.StartNodeAsync(leader);
            await Wait.UntilAsync(() => admin.GetMetadata("failover", TimeSpan.FromSeconds(10)).Topics[0].Partitions[0].InSyncReplicas.Length == 3,
                "the killed node back in the ISR");
        }
        times.Sort();
        Report.Line($"failover over {runs} runs: p50", times[times.Count / 2], "ms");
        Report.Line("failover p95", times[(int)Math.Ceiling(times.Count * 0.95) - 1], "ms");
        Report.Line("failover min / max", $"{times[0]:N0} / {times[^1]:N0} ms");
        Report.Line("(broker.session.timeout.ms)", 2500, "ms");
    }
}
