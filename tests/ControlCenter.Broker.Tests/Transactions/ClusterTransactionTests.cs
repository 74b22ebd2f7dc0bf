using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.Kafka.Cluster;

namespace ControlCenter.Broker.Tests.Transactions;

/// <summary>Transactions on a three-node cluster: markers reach leaders on other nodes, and a new coordinator finishes what the killed one started.</summary>
public sealed class ClusterTransactionTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;
    private string B => _cluster.BootstrapServers;

    public async ValueTask InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync(3);
        using var admin = Clients.Admin(B);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "txc", NumPartitions = 3, ReplicationFactor = 3 }]).OffPollThread();
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    private IProducer<byte[]?, byte[]?> Transactional(string id) => Clients.Producer(B, c => c.TransactionalId = id);

    private static void SendToEveryPartition(IProducer<byte[]?, byte[]?> producer, string prefix)
    {
        for (int p = 0; p < 3; p++)
            producer.Produce(new TopicPartition("txc", p), new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes($"{prefix}-{p}") });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    private List<string> ReadCommitted()
    {
        using var consumer = Clients.Consumer(B, "reader-" + Guid.NewGuid().ToString("N"), c => { c.IsolationLevel = IsolationLevel.ReadCommitted; c.EnablePartitionEof = true; });
        consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset("txc", p, Offset.Beginning)));
        var values = new List<string>();
        var ended = new HashSet<int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (ended.Count < 3 && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (r is null) continue;
            if (r.IsPartitionEOF) ended.Add(r.Partition.Value);
            else values.Add(Encoding.UTF8.GetString(r.Message.Value!));
        }
        Assert.Equal(3, ended.Count);
        return values.Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void MarkersReachEveryPartitionWhateverNodeLeadsIt()
    {
        using var admin = Clients.Admin(B);
        var leaders = admin.GetMetadata("txc", TimeSpan.FromSeconds(10)).Topics[0].Partitions.Select(p => p.Leader).Distinct().Count();
        Assert.True(leaders > 1, "the partitions' leaders are spread over the nodes, so some markers go through WriteTxnMarkers");
        using var producer = Transactional("txc-spread");
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        producer.BeginTransaction();
        SendToEveryPartition(producer, "kept");
        producer.CommitTransaction(TimeSpan.FromSeconds(30));
        producer.BeginTransaction();
        SendToEveryPartition(producer, "dropped");
        producer.AbortTransaction(TimeSpan.FromSeconds(30));
        Assert.Equal(["kept-0", "kept-1", "kept-2"], ReadCommitted());
    }

    [Fact]
    public async Task ATransactionCommitsThroughTheNextCoordinatorWhenItsCoordinatorsNodeIsKilled()
    {
        const string id = "txc-failover";
        using var producer = Transactional(id);
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        producer.BeginTransaction();
        SendToEveryPartition(producer, "survives");

        var coordinator = await RawKafkaClient.SendDefinedAsync(B, ApiKey.FindCoordinator, 3, new StructValue { ["Key"] = id, ["KeyType"] = (sbyte)1 });
        int node = coordinator.Int32("NodeId");
        Assert.InRange(node, 1, 3);
        await _cluster.Cluster.KillNodeAsync(node);

        // librdkafka finds the new coordinator, which loaded the open transaction from its replica of __transaction_state.
        producer.CommitTransaction(TimeSpan.FromSeconds(60));
        Assert.Equal(["survives-0", "survives-1", "survives-2"], ReadCommitted());
        await _cluster.Cluster.StartNodeAsync(node);
    }
}
