using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Testing;
using Xunit;

namespace ControlCenter.Broker.Tests;

/// <summary>A three-node embedded cluster through Confluent.Kafka: replication, ISR, acks=all and leader failover.</summary>
public sealed class ClusterReplicationTests
{
    private static async Task CreateAsync(string bootstrap, string topic, int partitions, short rf, Dictionary<string, string>? configs = null)
    {
        using var admin = Clients.Admin(bootstrap);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = rf, Configs = configs }]).OffPollThread();
    }

    private static TopicMetadata Describe(string bootstrap, string topic)
    {
        using var admin = Clients.Admin(bootstrap);
        return admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single();
    }

    private static async Task<int> ProduceAsync(string bootstrap, string topic, int count, string prefix, Acks acks = Acks.All)
    {
        using var producer = Clients.Producer(bootstrap, c => { c.Acks = acks; c.EnableIdempotence = acks == Acks.All; });
        var tasks = Enumerable.Range(0, count).Select(i => producer.ProduceAsync(topic, new Message<byte[]?, byte[]?>
        {
            Key = System.Text.Encoding.UTF8.GetBytes($"k{i}"), Value = System.Text.Encoding.UTF8.GetBytes($"{prefix}-{i}"),
        })).ToList();
        var results = await Task.WhenAll(tasks);
        return results.Count(r => r.Status == PersistenceStatus.Persisted);
    }

    [Fact]
    public async Task ATopicWithReplicationFactorThreeIsCopiedToEveryNodeAndReadableAfterItsLeaderIsKilled()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        string bootstrap = cluster.BootstrapServers;
        await CreateAsync(bootstrap, "replicated", 3, 3);

        var meta = Describe(bootstrap, "replicated");
        Assert.Equal(3, meta.Partitions.Count);
        Assert.All(meta.Partitions, p => { Assert.Equal(3, p.Replicas.Length); Assert.Equal(3, p.InSyncReplicas.Length); });
        Assert.Equal(3, meta.Partitions.Select(p => p.Leader).Distinct().Count()); // leaders spread over the nodes

        Assert.Equal(300, await ProduceAsync(bootstrap, "replicated", 300, "before"));
        // acks=all answered: every in-sync replica has the records, so every node's log ends where the leader's does.
        for (int p = 0; p < 3; p++)
        {
            var ends = cluster.Cluster.RunningNodes.Select(n => n.LogEndOffset("replicated", p)).Distinct().ToList();
            Assert.Single(ends);
        }

        int leader0 = meta.Partitions.Single(p => p.PartitionId == 0).Leader;
        await cluster.Cluster.KillNodeAsync(leader0);
        await Wait.UntilAsync(() => Describe(bootstrap, "replicated").Partitions.All(p => p.Leader != leader0 && p.Leader >= 0),
            $"new leaders after node {leader0} was killed", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(300, await ProduceAsync(bootstrap, "replicated", 300, "after"));

        var all = Clients.ReadAll(bootstrap, "replicated", 3);
        var values = all.Select(r => System.Text.Encoding.UTF8.GetString(r.Message.Value!)).ToHashSet();
        Assert.Equal(600, values.Count);
        Assert.All(Enumerable.Range(0, 300), i => Assert.Contains($"before-{i}", values));

        // The killed node comes back, catches up from the new leaders and rejoins every ISR.
        await cluster.Cluster.StartNodeAsync(leader0);
        await Wait.UntilAsync(() => Describe(bootstrap, "replicated").Partitions.All(p => p.InSyncReplicas.Length == 3),
            $"node {leader0} back in every ISR", TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        for (int p = 0; p < 3; p++)
            Assert.Single(cluster.Cluster.RunningNodes.Select(n => n.LogEndOffset("replicated", p)).Distinct());
    }

    [Fact]
    public async Task MinInSyncReplicasRefusesAcksAllWritesWhenTwoOfThreeNodesAreDownAndAppendsNothing()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        string bootstrap = cluster.BootstrapServers;
        await CreateAsync(bootstrap, "guarded", 1, 3, new() { ["min.insync.replicas"] = "2" });
        var reg = Describe(bootstrap, "guarded").Partitions.Single();
        foreach (var follower in reg.Replicas.Where(r => r != reg.Leader)) await cluster.Cluster.StopNodeAsync(follower);
        await Wait.UntilAsync(() => Describe(bootstrap, "guarded").Partitions.Single().InSyncReplicas.Length == 1, "the ISR down to the leader", cancellation: TestContext.Current.CancellationToken);
        long before = cluster.Cluster.Node(reg.Leader).LogEndOffset("guarded", 0);

        using var producer = Clients.Producer(bootstrap, c => { c.Acks = Acks.All; c.MessageTimeoutMs = 3000; c.EnableIdempotence = false; c.MessageSendMaxRetries = 0; });
        var failure = await Assert.ThrowsAsync<ProduceException<byte[]?, byte[]?>>(() =>
            producer.ProduceAsync("guarded", new Message<byte[]?, byte[]?> { Value = [1, 2, 3] }, TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCode.NotEnoughReplicas, failure.Error.Code);
        Assert.Equal(before, cluster.Cluster.Node(reg.Leader).LogEndOffset("guarded", 0));

        // acks=1 still works: only the leader has to have it.
        using var one = Clients.Producer(bootstrap, c => { c.Acks = Acks.Leader; c.EnableIdempotence = false; });
        Assert.Equal(PersistenceStatus.Persisted, (await one.ProduceAsync("guarded", new Message<byte[]?, byte[]?> { Value = [4] }, TestContext.Current.CancellationToken)).Status);
    }

    [Fact]
    public async Task AcksOneLosesAcknowledgedRecordsWhenTheFollowersWereIsolatedAndTheLeaderDiesWhileAcksAllLosesNone()
    {
        await using var cluster = await TestCluster.StartAsync(3, new() { ["unclean.leader.election.enable"] = "true" });
        string bootstrap = cluster.BootstrapServers;
        await CreateAsync(bootstrap, "lab", 1, 3);
        Assert.Equal(20, await ProduceAsync(bootstrap, "lab", 20, "committed"));
        var reg = Describe(bootstrap, "lab").Partitions.Single();
        var followers = reg.Replicas.Where(r => r != reg.Leader).ToList();

        // The followers lose the leader; acks=1 is still answered by the leader alone.
        foreach (var f in followers) await cluster.Cluster.IsolateNodeAsync(f);
        Assert.Equal(30, await ProduceAsync(bootstrap, "lab", 30, "leader-only", Acks.Leader));
        await cluster.Cluster.KillNodeAsync(reg.Leader);
        foreach (var f in followers) await cluster.Cluster.HealNodeAsync(f);
        await Wait.UntilAsync(() => Describe(bootstrap, "lab").Partitions.Single().Leader is var l && l >= 0 && l != reg.Leader,
            "an unclean leader among the healed followers", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        // The old leader comes back as a follower and truncates what nobody else had.
        await cluster.Cluster.StartNodeAsync(reg.Leader);
        await Wait.UntilAsync(() => Describe(bootstrap, "lab").Partitions.Single().InSyncReplicas.Length == 3, "every replica in sync again",
            TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var values = Clients.ReadAll(bootstrap, "lab", 1).Select(r => System.Text.Encoding.UTF8.GetString(r.Message.Value!)).ToList();
        Assert.Equal(20, values.Count(v => v.StartsWith("committed-", StringComparison.Ordinal)));
        Assert.Equal(0, values.Count(v => v.StartsWith("leader-only-", StringComparison.Ordinal))); // 30 acknowledged, 30 lost
        Assert.Single(cluster.Cluster.RunningNodes.Select(n => n.LogEndOffset("lab", 0)).Distinct());
    }

    [Fact]
    public async Task KillingTheLeaderDuringAcksAllProduceLosesNoAcknowledgedRecord()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        string bootstrap = cluster.BootstrapServers;
        await CreateAsync(bootstrap, "durable", 1, 3, new() { ["min.insync.replicas"] = "2" });
        var acknowledged = new List<string>();
        for (int cycle = 0; cycle < 20; cycle++)
        {
            int leader = Describe(bootstrap, "durable").Partitions.Single().Leader;
            using var producer = Clients.Producer(bootstrap, c => { c.Acks = Acks.All; c.EnableIdempotence = true; c.MessageTimeoutMs = 30000; });
            var sends = Enumerable.Range(0, 100).Select(i => (Value: $"c{cycle}-{i}", Task: producer.ProduceAsync("durable",
                new Message<byte[]?, byte[]?> { Value = System.Text.Encoding.UTF8.GetBytes($"c{cycle}-{i}") }, TestContext.Current.CancellationToken))).ToList();
            await cluster.Cluster.KillNodeAsync(leader);
            foreach (var (value, task) in sends)
            {
                try { if ((await task).Status == PersistenceStatus.Persisted) acknowledged.Add(value); }
                catch (ProduceException<byte[]?, byte[]?>) { } // not acknowledged: allowed to be lost
            }
            await cluster.Cluster.StartNodeAsync(leader);
            await Wait.UntilAsync(() => Describe(bootstrap, "durable").Partitions.Single().InSyncReplicas.Length == 3, "all replicas in sync",
                TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }
        var stored = Clients.ReadAll(bootstrap, "durable", 1).Select(r => System.Text.Encoding.UTF8.GetString(r.Message.Value!)).ToHashSet();
        Assert.NotEmpty(acknowledged);
        Assert.All(acknowledged, v => Assert.Contains(v, stored));
    }

    /// <summary>The group's coordinator as FindCoordinator names it (-1 while it has none).</summary>
    private static async Task<int> CoordinatorAsync(string bootstrap, string group)
    {
        foreach (var address in bootstrap.Split(','))
        {
            try
            {
                var answer = await RawKafkaClient.SendDefinedAsync(address, ControlCenter.Broker.Protocol.ApiKey.FindCoordinator, 4, new ControlCenter.Broker.Protocol.Messages.StructValue
                {
                    ["KeyType"] = (sbyte)0, ["CoordinatorKeys"] = ControlCenter.Broker.Protocol.Messages.StructValue.List<string>([group]),
                });
                var found = answer.Structs("Coordinators")!.Single();
                return found.Int16("ErrorCode") == 0 ? found.Int32("NodeId") : -1;
            }
            catch (System.Net.Sockets.SocketException) { } // that node is down: ask the next
        }
        return -1;
    }

    [Fact]
    public async Task AConsumerGroupKeepsItsCommittedOffsetsWhenItsCoordinatorIsKilled()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        string bootstrap = cluster.BootstrapServers;
        await CreateAsync(bootstrap, "orders", 1, 3);
        Assert.Equal(100, await ProduceAsync(bootstrap, "orders", 100, "o"));

        using (var consumer = Clients.Consumer(bootstrap, "billing"))
        {
            consumer.Subscribe("orders");
            ConsumeResult<byte[]?, byte[]?>? last = null;
            while (last is null || last.Offset < 49) last = consumer.Consume(TestContext.Current.CancellationToken);
            consumer.Commit([new TopicPartitionOffset("orders", 0, 50)]);
            consumer.Close();
        }
        int coordinator = await CoordinatorAsync(bootstrap, "billing");
        await cluster.Cluster.KillNodeAsync(coordinator);

        // Another node leads the group's offsets partition now and serves the commit it had replicated.
        // (Read through a consumer and FindCoordinator: librdkafka's admin client can abort the process on a coordinator that just died.)
        await Wait.UntilAsync(async () => await CoordinatorAsync(bootstrap, "billing") is var now && now >= 0 && now != coordinator,
            "a new coordinator", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        using (var reader = Clients.Consumer(bootstrap, "billing"))
        {
            // Until every node has applied the new leadership a lookup may still land on the old view (NOT_COORDINATOR): ask again.
            long committed = -1;
            await Wait.UntilAsync(() =>
            {
                try { committed = reader.Committed([new TopicPartition("orders", 0)], TimeSpan.FromSeconds(10)).Single().Offset.Value; return true; }
                catch (KafkaException e) when (e.Error.Code is ErrorCode.NotCoordinatorForGroup or ErrorCode.GroupLoadInProgress or ErrorCode.GroupCoordinatorNotAvailable) { return false; }
            }, "the committed offset from the new coordinator", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.Equal(50, committed);
        }

        using var resumed = Clients.Consumer(bootstrap, "billing");
        resumed.Subscribe("orders");
        var first = resumed.Consume(TimeSpan.FromSeconds(30));
        Assert.NotNull(first);
        Assert.Equal(50, first.Offset.Value);
        resumed.Close();
    }

    [Fact]
    public async Task APreferredElectionGivesLeadershipBackToTheFirstReplicaOnceItIsInSync()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        string bootstrap = cluster.BootstrapServers;
        await CreateAsync(bootstrap, "preferred", 1, 3);
        var reg = Describe(bootstrap, "preferred").Partitions.Single();
        int preferred = reg.Replicas[0];
        Assert.Equal(preferred, reg.Leader);

        await cluster.Cluster.StopNodeAsync(preferred);
        Assert.NotEqual(preferred, Describe(bootstrap, "preferred").Partitions.Single().Leader); // a clean stop hands leadership over first
        await cluster.Cluster.StartNodeAsync(preferred);
        await Wait.UntilAsync(() => Describe(bootstrap, "preferred").Partitions.Single().InSyncReplicas.Length == 3, "the preferred replica back in sync",
            TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.NotEqual(preferred, Describe(bootstrap, "preferred").Partitions.Single().Leader);

        using var admin = Clients.Admin(bootstrap);
        var result = await admin.ElectLeadersAsync(ElectionType.Preferred, [new TopicPartition("preferred", 0)]).OffPollThread();
        Assert.False(result.TopicPartitions.Single().Error.IsError);
        Assert.Equal(preferred, Describe(bootstrap, "preferred").Partitions.Single().Leader);
        // Asked again, there is nothing to do.
        var again = await Assert.ThrowsAsync<ElectLeadersException>(() => admin.ElectLeadersAsync(ElectionType.Preferred, [new TopicPartition("preferred", 0)]));
        Assert.Equal(ErrorCode.ElectionNotNeeded, again.Results.TopicPartitions.Single().Error.Code);
        Assert.Equal(100, await ProduceAsync(bootstrap, "preferred", 100, "after-election"));
    }

    [Fact]
    public async Task ExplicitAssignmentsPlaceReplicasWhereAsked()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        using var admin = Clients.Admin(cluster.BootstrapServers);
        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = "placed", NumPartitions = 2, ReplicationFactor = -1, ReplicasAssignments = new Dictionary<int, List<int>> { [0] = [3, 1], [1] = [2, 3] },
        }]).OffPollThread();
        var partitions = Describe(cluster.BootstrapServers, "placed").Partitions.OrderBy(p => p.PartitionId).ToList();
        Assert.Equal([3, 1], partitions[0].Replicas);
        Assert.Equal([2, 3], partitions[1].Replicas);
        Assert.Equal([3, 2], partitions.Select(p => p.Leader)); // the first replica leads
        var unknown = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = "misplaced", NumPartitions = 1, ReplicationFactor = -1, ReplicasAssignments = new Dictionary<int, List<int>> { [0] = [1, 7] },
        }]));
        Assert.Equal(ErrorCode.InvalidReplicaAssignment, unknown.Results.Single().Error.Code);
    }

    [Fact]
    public async Task TheWholeClusterRestartsWithEveryTopicRecordAndCommittedOffset()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        await CreateAsync(cluster.BootstrapServers, "durable-topic", 3, 3);
        Assert.Equal(300, await ProduceAsync(cluster.BootstrapServers, "durable-topic", 300, "r"));
        using (var consumer = Clients.Consumer(cluster.BootstrapServers, "durable-group"))
        {
            // The first commit creates __consumer_offsets (50 partitions x 3 replicas): until its leader has loaded the
            // group's partition it answers COORDINATOR_LOAD_IN_PROGRESS, as Kafka does, and librdkafka hands that back
            // after a few retries. An application retries; so does this test.
            await Wait.UntilAsync(() =>
            {
                try { consumer.Commit([new TopicPartitionOffset("durable-topic", 0, 42)]); return true; }
                catch (KafkaException e) when (e.Error.Code is ErrorCode.GroupLoadInProgress or ErrorCode.GroupCoordinatorNotAvailable or ErrorCode.NotCoordinatorForGroup) { return false; }
            }, "the first commit accepted", TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        }

        await cluster.RestartAsync();
        string bootstrap = cluster.BootstrapServers;
        await Wait.UntilAsync(() => Describe(bootstrap, "durable-topic").Partitions is var ps && ps.Count == 3 && ps.All(p => p.Leader >= 0 && p.InSyncReplicas.Length == 3),
            "every partition led and fully in sync after the restart", TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.Equal(300, Clients.ReadAll(bootstrap, "durable-topic", 3).Select(r => System.Text.Encoding.UTF8.GetString(r.Message.Value!)).Distinct().Count());
        using (var reader = Clients.Consumer(bootstrap, "durable-group"))
            Assert.Equal(42, reader.Committed([new TopicPartition("durable-topic", 0)], TimeSpan.FromSeconds(30)).Single().Offset.Value);
        Assert.Equal(300, await ProduceAsync(bootstrap, "durable-topic", 300, "after-restart"));
    }

    [Fact]
    public async Task KcatProducesWithAcksAllAndConsumesEverythingFromAThreeNodeCluster()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        string bootstrap = cluster.BootstrapServers;
        await CreateAsync(bootstrap, "kcat-replicated", 3, 3);
        string input = string.Join("\n", Enumerable.Range(0, 500).Select(i => $"line-{i}")) + "\n";
        var produced = await Kcat.RunAsync($"-b {bootstrap} -P -t kcat-replicated -X acks=all", input);
        Assert.True(produced.ExitCode == 0, produced.Error);
        var consumed = await Kcat.RunAsync($"-b {bootstrap} -C -t kcat-replicated -o beginning -e -q");
        Assert.True(consumed.ExitCode == 0, consumed.Error);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"line-{i}").Order(), consumed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }
}
