using System.Text.Json;
using Confluent.Kafka;
using ControlCenter.Kafka.Demo;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Metrics;

namespace ControlCenter.Kafka.Tests.Demo;

/// <summary>The demo traffic against a broker: topics, JSON records, one group keeping up and one falling behind.</summary>
public class DemoTrafficTests : ClusterTest
{
    protected override Dictionary<string, string?>? Settings => new()
    {
        ["Demo:Enabled"] = "true", // the app turns it on by default only for its embedded broker (HostingTests)
        ["Demo:OrdersPerSecond"] = "40",
        ["Monitor:GroupIntervalMs"] = "300",
    };

    private long EndOffsets(ClusterSnapshot snapshot) => snapshot.Topics[DemoTraffic.Orders].Partitions.Sum(p => p.HighWatermark);

    [Fact]
    public async Task DemoMakesALivingClusterAndCanBePaused()
    {
        var demo = Host.Get<DemoTraffic>();
        Assert.True(demo.IsEnabled);
        await Wait.UntilAsync(() => Cluster.GroupLags.ContainsKey(DemoTraffic.KeepingUpGroup) && Cluster.GroupLags.ContainsKey(DemoTraffic.LaggingGroup),
            "both demo groups", cancellation: Cancellation);
        Assert.All(DemoTraffic.Topics, t => Assert.Equal(t.Partitions, Cluster.Snapshot!.Topics[t.Topic].Partitions.Count));

        var metrics = Host.Get<LiveMetrics>();
        long LagOf(string group) => metrics.Latest.Groups.GetValueOrDefault(group)?.LagRecords ?? -1;
        await Wait.UntilAsync(() => LagOf(DemoTraffic.LaggingGroup) > 0, "the lagging group to lag", cancellation: Cancellation);
        long lagBefore = LagOf(DemoTraffic.LaggingGroup);
        // One group reads less than is produced: its lag keeps growing. The other catches up again and again.
        await Wait.UntilAsync(() => LagOf(DemoTraffic.LaggingGroup) > lagBefore + 50, "the lagging group to fall further behind", cancellation: Cancellation);
        await Wait.UntilAsync(() => LagOf(DemoTraffic.KeepingUpGroup) is >= 0 and < 50, "the keeping-up group to be caught up", cancellation: Cancellation);
        await Wait.UntilAsync(() => metrics.Latest.Cluster.ProducedRecordsPerSec > 10, "a produce rate", cancellation: Cancellation);
        await Wait.UntilAsync(() => metrics.Latest.Groups.GetValueOrDefault(DemoTraffic.KeepingUpGroup)?.ConsumedRecordsPerSec > 0, "a consume rate", cancellation: Cancellation);

        // Records: a uuid key and a JSON value carrying the same id.
        var record = Clients.ReadAll(Bootstrap, DemoTraffic.Orders, 6, TimeSpan.FromSeconds(5)).First();
        var id = Guid.Parse(System.Text.Encoding.UTF8.GetString(record.Message.Key!));
        using var value = JsonDocument.Parse(record.Message.Value!);
        Assert.Equal(id, value.RootElement.GetProperty("orderId").GetGuid());
        Assert.True(value.RootElement.GetProperty("total").GetDouble() > 0);

        // Paused: once the producer has flushed, the end offsets stay put over several monitor ticks.
        demo.SetPaused(true);
        await Wait.UntilAsync(() => demo.ProducerIdle, "the producer to pause", cancellation: Cancellation);
        long end = EndOffsets(await FreshSnapshotAsync());
        for (int tick = 0; tick < 4; tick++) await Cluster.NextTickAsync(Cancellation);
        Assert.Equal(end, EndOffsets((await FreshSnapshotAsync())));
        demo.SetPaused(false);
        await Wait.UntilAsync(() => EndOffsets(Cluster.Snapshot!) > end, "orders again", cancellation: Cancellation);
    }
}

/// <summary>With a cluster of its own (Kafka:BootstrapServers), the app leaves it alone unless the demo is asked for.</summary>
public class DemoOffTests : ClusterTest
{
    protected override Dictionary<string, string?>? Settings => new() { ["Demo:Enabled"] = null };

    [Fact]
    public async Task DemoIsOffForAnExternalClusterUnlessAskedFor()
    {
        var demo = Host.Get<DemoTraffic>();
        Assert.False(demo.IsEnabled);
        await demo.ExecuteTask!.WaitAsync(Cancellation); // it ended without doing anything
        Assert.DoesNotContain((await FreshSnapshotAsync()).Topics.Keys, t => t.StartsWith("demo.", StringComparison.Ordinal));
    }
}
