using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Broker.Protocol;
using ErrorCode = ControlCenter.Broker.Protocol.ErrorCode;
using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Testing;
using Xunit;

namespace ControlCenter.Broker.Tests;

/// <summary>
/// AlterPartitionReassignments / ListPartitionReassignments on a three-node cluster (the APIs over the
/// wire, as Kafka's admin client sends them), checked through Confluent.Kafka: data really moves, the
/// old copies go, bad targets change nothing, and replication throttles slow the copy down.
/// </summary>
public sealed class ReassignmentTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static async Task CreateOnAsync(string bootstrap, string topic, params int[][] assignment)
    {
        using var admin = Clients.Admin(bootstrap);
        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = topic, NumPartitions = assignment.Length, ReplicationFactor = -1, ReplicasAssignments = assignment.Select((r, p) => (p, r.ToList())).ToDictionary(x => x.p, x => x.Item2),
        }]).OffPollThread();
    }

    private static PartitionMetadata Partition(string bootstrap, string topic, int partition)
    {
        using var admin = Clients.Admin(bootstrap);
        return admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Single(p => p.PartitionId == partition);
    }

    private static async Task ProduceAsync(string bootstrap, string topic, int count, int size = 20)
    {
        using var producer = Clients.Producer(bootstrap, c => c.Acks = Acks.All);
        for (int i = 0; i < count; i++)
            producer.Produce(topic, new Message<byte[]?, byte[]?> { Key = BitConverter.GetBytes(i), Value = new byte[size] });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task MovingAPartitionCopiesItsRecordsToTheNewNodesMovesTheLeaderAndDeletesTheOldCopy()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        string bootstrap = cluster.BootstrapServers;
        await CreateOnAsync(bootstrap, "moved", [1]);
        await ProduceAsync(bootstrap, "moved", 500);
        string oldCopy = Path.Combine(cluster.Cluster.Node(1).DataDir, "moved-0");
        Assert.True(Directory.Exists(oldCopy));
        byte[] LogBytes(int node) => Directory.GetFiles(cluster.Cluster.Node(node).PartitionDirectory("moved", 0), "*.log").Order()
            .SelectMany(File.ReadAllBytes).ToArray();
        byte[] original = LogBytes(1);

        Assert.Equal((ErrorCode.None, null), await Reassignments.AlterAsync(bootstrap, "moved", 0, [2, 3]));
        await Wait.UntilAsync(() => Partition(bootstrap, "moved", 0) is { } p && p.Replicas.SequenceEqual([2, 3]) && p.InSyncReplicas.Length == 2,
            "the partition on nodes 2 and 3, both in sync", TimeSpan.FromSeconds(60), Cancellation);
        Assert.Empty(await Reassignments.ListAsync(bootstrap));
        Assert.Equal(2, Partition(bootstrap, "moved", 0).Leader); // node 1 is gone from the replicas: the first target leads
        Assert.Equal(500, cluster.Cluster.Node(2).LogEndOffset("moved", 0));
        Assert.Equal(500, cluster.Cluster.Node(3).LogEndOffset("moved", 0));
        // Identical data: both copies hold the old leader's batches byte for byte (offsets, epochs, timestamps, CRCs).
        Assert.Equal(original, LogBytes(2));
        Assert.Equal(original, LogBytes(3));
        await Wait.UntilAsync(() => !Directory.Exists(oldCopy), "node 1's copy deleted", cancellation: Cancellation);

        // And consumers read every record from the new leader.
        Assert.Equal(500, Clients.ReadAll(bootstrap, "moved", 1).Count);
    }

    [Fact]
    public async Task ARunningMoveIsListedAndCanBeCancelledWhichRemovesTheAddedCopy()
    {
        // Node 3 is stopped, so a move onto it cannot finish: it stays listed until cancelled.
        await using var cluster = await TestCluster.StartAsync(3);
        string bootstrap = cluster.BootstrapServers;
        await CreateOnAsync(bootstrap, "pending", [1, 2]);
        await ProduceAsync(bootstrap, "pending", 50);
        await cluster.Cluster.StopNodeAsync(3);
        bootstrap = cluster.Cluster.BootstrapServers;

        Assert.Equal((ErrorCode.None, null), await Reassignments.AlterAsync(bootstrap, "pending", 0, [1, 3]));
        var ongoing = Assert.Single(await Reassignments.ListAsync(bootstrap));
        Assert.Equal(("pending", 0), (ongoing.Topic, ongoing.Partition));
        Assert.Equal([1, 3, 2], ongoing.Replicas); // target first, then what is being removed
        Assert.Equal([3], ongoing.Adding);
        Assert.Equal([2], ongoing.Removing);
        Assert.Equal([1, 3, 2], Partition(bootstrap, "pending", 0).Replicas);

        Assert.Equal((ErrorCode.None, null), await Reassignments.AlterAsync(bootstrap, "pending", 0, null));
        Assert.Empty(await Reassignments.ListAsync(bootstrap));
        Assert.Equal([1, 2], Partition(bootstrap, "pending", 0).Replicas);
        Assert.Equal(ErrorCode.NoReassignmentInProgress, (await Reassignments.AlterAsync(bootstrap, "pending", 0, null)).Error);
        Assert.Equal(50, Clients.ReadAll(bootstrap, "pending", 1).Count);
    }

    [Fact]
    public async Task BadTargetsAreRefusedWithKafkasErrorsAndChangeNothing()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        string bootstrap = cluster.BootstrapServers;
        await CreateOnAsync(bootstrap, "kept", [1, 2]);

        Assert.Equal(ErrorCode.InvalidReplicaAssignment, (await Reassignments.AlterAsync(bootstrap, "kept", 0, [1, 7])).Error);
        Assert.Equal(ErrorCode.InvalidReplicaAssignment, (await Reassignments.AlterAsync(bootstrap, "kept", 0, [2, 2])).Error);
        Assert.Equal(ErrorCode.InvalidReplicaAssignment, (await Reassignments.AlterAsync(bootstrap, "kept", 0, [])).Error);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, (await Reassignments.AlterAsync(bootstrap, "kept", 5, [1, 2])).Error);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, (await Reassignments.AlterAsync(bootstrap, "absent", 0, [1, 2])).Error);
        Assert.Equal(ErrorCode.NoReassignmentInProgress, (await Reassignments.AlterAsync(bootstrap, "kept", 0, null)).Error);
        var resize = await Reassignments.AlterAsync(bootstrap, "kept", 0, [1, 2, 3], allowResize: false);
        Assert.Equal(ErrorCode.InvalidReplicationFactor, resize.Error);
        Assert.Contains("from 2 to 3", resize.Message);

        Assert.Equal([1, 2], Partition(bootstrap, "kept", 0).Replicas);
        Assert.Empty(await Reassignments.ListAsync(bootstrap));

        // Only the throttle rates change at run time; other broker configs are refused with the reason.
        using var admin = Clients.Admin(bootstrap);
        var refused = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>(
            [new ConfigResource { Type = ResourceType.Broker, Name = "1" }.With("num.partitions", "4")])));
        Assert.Contains("cannot be changed at run time", refused.Results.Single().Error.Reason);
        var negative = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>(
            [new ConfigResource { Type = ResourceType.Broker, Name = "1" }.With("follower.replication.throttled.rate", "-5")])));
        Assert.Contains("at least 0", negative.Results.Single().Error.Reason);
        Assert.DoesNotContain(cluster.Cluster.Events, e => e.Kind == "reassignment");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AThrottledMoveCopiesNoFasterThanTheReplicationRate(bool leaderSide)
    {
        // Followers ask for 64 KB per fetch, so 1 MB takes many fetches. At 256 KB/s, with the quota's one-second burst (256 KB)
        // and one fetch of overdraft (64 KB), the copy cannot take under (1,050 - 320) / 256 = 2.8 s; it is asserted at 2 s, and a slow
        // machine only makes it longer. Unthrottled the same copy takes 0.2-0.5 s here.
        await using var cluster = await TestCluster.StartAsync(3, new() { ["replica.fetch.max.bytes"] = "65536" });
        string bootstrap = cluster.BootstrapServers;
        await CreateOnAsync(bootstrap, "throttled", [1]);
        await ProduceAsync(bootstrap, "throttled", 1024, size: 1024);

        int throttledNode = leaderSide ? 1 : 2;
        string rateKey = leaderSide ? "leader.replication.throttled.rate" : "follower.replication.throttled.rate";
        string replicasKey = leaderSide ? "leader.replication.throttled.replicas" : "follower.replication.throttled.replicas";
        using (var admin = Clients.Admin(bootstrap))
        {
            await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>([
                new ConfigResource { Type = ResourceType.Broker, Name = throttledNode.ToString() }.With(rateKey, "262144"),
                new ConfigResource { Type = ResourceType.Topic, Name = "throttled" }.With(replicasKey, $"0:{throttledNode}"),
            ])).OffPollThread();
            var described = (await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Broker, Name = throttledNode.ToString() }]).OffPollThread())
                .Single().Entries[rateKey];
            Assert.Equal("262144", described.Value);
            Assert.Equal(ConfigSource.DynamicBrokerConfig, described.Source);
        }
        // Configs reach the other nodes with the next metadata image: the move must not start before the throttled node has
        // both the rate and the throttled-replicas list, or its first fetches go unthrottled (seen once: 1 MB in 0.9 s).
        var throttled = cluster.Cluster.Node(throttledNode).Replicas!;
        await Wait.UntilAsync(() => throttled.Image.Topics.GetValueOrDefault("throttled")?.Configs.GetValueOrDefault(replicasKey) == $"0:{throttledNode}"
            && throttled.Image.BrokerConfigsOf(throttledNode.ToString())?.GetValueOrDefault(rateKey) == "262144",
            $"node {throttledNode} to apply the throttle", TimeSpan.FromSeconds(30), Cancellation);

        var watch = Stopwatch.StartNew();
        Assert.Equal((ErrorCode.None, null), await Reassignments.AlterAsync(bootstrap, "throttled", 0, [1, 2]));
        await Wait.UntilAsync(() => Partition(bootstrap, "throttled", 0).InSyncReplicas.Length == 2, "node 2 caught up and in sync",
            TimeSpan.FromSeconds(90), Cancellation);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(2), $"1 MB copied in {watch.Elapsed.TotalSeconds:F1} s at a 256 KB/s throttle");
        Assert.Empty(await Reassignments.ListAsync(bootstrap));
        Assert.Equal(1024, cluster.Cluster.Node(2).LogEndOffset("throttled", 0));
    }
}

internal static class ConfigResourceExtensions
{
    public static KeyValuePair<ConfigResource, List<ConfigEntry>> With(this ConfigResource resource, string name, string value) =>
        new(resource, [new ConfigEntry { Name = name, Value = value, IncrementalOperation = AlterConfigOpType.Set }]);
}
