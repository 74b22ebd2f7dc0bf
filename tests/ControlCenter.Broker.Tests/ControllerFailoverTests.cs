using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Testing;
using Xunit;

namespace ControlCenter.Broker.Tests;

/// <summary>The active controller's node is killed: another node takes the role and every live node converges on the same metadata.</summary>
public sealed class ControllerFailoverTests
{
    /// <summary>What one node's Metadata v12 says: the controller, the live brokers and each partition's leader.</summary>
    private static async Task<(int Controller, string Brokers, string Leaders)> AskAsync(string address)
    {
        var answer = await RawKafkaClient.SendDefinedAsync(address, ApiKey.Metadata, 12, new StructValue
        {
            ["Topics"] = null, ["AllowAutoTopicCreation"] = false, ["IncludeTopicAuthorizedOperations"] = false,
        });
        string brokers = string.Join(",", answer.Structs("Brokers")!.Select(b => b.Int32("NodeId")).Order());
        string leaders = string.Join(";", answer.Structs("Topics")!.OrderBy(t => t.String("Name"), StringComparer.Ordinal)
            .SelectMany(t => t.Structs("Partitions")!.OrderBy(p => p.Int32("PartitionIndex")).Select(p => $"{t.String("Name")}-{p.Int32("PartitionIndex")}:{p.Int32("LeaderId")}")));
        return (answer.Int32("ControllerId"), brokers, leaders);
    }

    [Fact]
    public async Task KillingTheControllersNodeMovesTheRoleWithinFiveSecondsAndEveryNodeAgrees()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        string bootstrap = cluster.BootstrapServers;
        using (var admin = Clients.Admin(bootstrap))
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "steady", NumPartitions = 3, ReplicationFactor = 3 }]).OffPollThread();
        int controller = cluster.Cluster.ControllerId;
        Assert.Equal(1, controller); // the lowest-id live node holds the role
        var survivors = cluster.Cluster.RunningNodes.Where(n => n.NodeId != controller).Select(n => n.BootstrapServers).ToList();

        long killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await cluster.Cluster.KillNodeAsync(controller);
        await Wait.UntilAsync(async () =>
        {
            var views = await Task.WhenAll(survivors.Select(AskAsync));
            return views.All(v => v.Controller != controller && v.Controller >= 0 && v == views[0] && !v.Brokers.Contains($"{controller}")
                                  && !v.Leaders.Split(';').Any(l => l.EndsWith($":{controller}", StringComparison.Ordinal) || l.EndsWith(":-1", StringComparison.Ordinal)));
        }, "both surviving nodes naming the same new controller and live leaders", TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        // When the cluster decided (the controller's own record, not this test's polling): within five seconds of the kill.
        var moved = cluster.Cluster.Events.First(e => e.Kind == "controller" && e.Message.Contains($"from node {controller}"));
        Assert.InRange(moved.TimestampMs - killedAt, 0, 5000);
        Assert.Equal(2, cluster.Cluster.ControllerId);

        // And the cluster works on: acks=all writes to every partition.
        using var producer = Clients.Producer(bootstrap, c => c.Acks = Acks.All);
        for (int p = 0; p < 3; p++)
            Assert.Equal(PersistenceStatus.Persisted, (await producer.ProduceAsync(new TopicPartition("steady", p), new Message<byte[]?, byte[]?> { Value = [1] }, TestContext.Current.CancellationToken)).Status);
    }
}
