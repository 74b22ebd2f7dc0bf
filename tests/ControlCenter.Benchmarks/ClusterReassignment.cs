using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Broker.Protocol;
using ErrorCode = ControlCenter.Broker.Protocol.ErrorCode;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Testing;

namespace ControlCenter.Benchmarks;

/// <summary>
/// Partition reassignment on a 3-node embedded cluster: one partition of --records records
/// (100 bytes each) moved from node 1 to nodes 2 and 3, unthrottled and then at a throttle of
/// --throttle-mb MB/s, side by side in one run: elapsed time and copy rate of each.
/// </summary>
public static class ClusterReassignment
{
    public static async Task RunAsync(Options options)
    {
        int records = options.GetInt("records", 1_000_000);
        double throttleMb = options.GetInt("throttle-mb", 20);
        await using var cluster = await TestCluster.StartAsync(3);
        string bootstrap = cluster.BootstrapServers;
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        foreach (var topic in new[] { "move-free", "move-throttled" })
        {
            await admin.CreateTopicsAsync([new TopicSpecification
                { Name = topic, NumPartitions = 1, ReplicationFactor = -1, ReplicasAssignments = new() { [0] = [1] } }]).OffPollThread();
            BrokerThroughput.Produce(bootstrap, records, 100, topic, Acks.All);
        }
        long bytes = cluster.Cluster.Node(1).Segments("move-free", 0).Sum(s => s.Size);
        Console.WriteLine($"cluster-reassign: {records:N0} records ({bytes / 1048576.0:N0} MB) per partition, moved from node 1 to nodes 2 and 3");

        double free = await MoveAsync(cluster, bootstrap, "move-free");
        Report.Line("unthrottled: moved in", free * 1000, "ms");
        Report.Line("unthrottled: copy rate (per new replica)", bytes / 1048576.0 / free, "MB/s");

        long rate = (long)(throttleMb * 1048576);
        foreach (int node in new[] { 1, 2, 3 })
            await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
            {
                [new ConfigResource { Type = ResourceType.Broker, Name = node.ToString() }] =
                    [new ConfigEntry { Name = "follower.replication.throttled.rate", Value = rate.ToString(), IncrementalOperation = AlterConfigOpType.Set }],
            }).OffPollThread();
        await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [new ConfigResource { Type = ResourceType.Topic, Name = "move-throttled" }] =
                [new ConfigEntry { Name = "follower.replication.throttled.replicas", Value = "*", IncrementalOperation = AlterConfigOpType.Set }],
        }).OffPollThread();
        double throttled = await MoveAsync(cluster, bootstrap, "move-throttled");
        Report.Line($"throttled at {throttleMb} MB/s: moved in", throttled * 1000, "ms");
        Report.Line($"throttled at {throttleMb} MB/s: copy rate (per new replica)", bytes / 1048576.0 / throttled, "MB/s");
    }

    /// <summary>Starts the move and waits until ListPartitionReassignments no longer lists it; seconds taken.</summary>
    private static async Task<double> MoveAsync(TestCluster cluster, string bootstrap, string topic)
    {
        var watch = Stopwatch.StartNew();
        var (error, message) = await Reassignments.AlterAsync(bootstrap, topic, 0, [2, 3]);
        if (error != ErrorCode.None) throw new InvalidOperationException($"Reassignment of {topic} refused: {error} {message}");
        await Wait.UntilAsync(async () => (await Reassignments.ListAsync(bootstrap)).Count == 0, $"the move of {topic} to finish", TimeSpan.FromMinutes(30));
        return watch.Elapsed.TotalSeconds;
    }
}
