using System.Text.Json;
using Confluent.Kafka;
using ControlCenter.Kafka.Demo;
using ControlCenter.Kafka.Metrics;
using ControlCenter.Web.Tests.Infrastructure;

namespace ControlCenter.Web.Tests.Demo;

/// <summary>The demo traffic against the embedded broker: topics, JSON records, one group keeping up and one falling behind.</summary>
public class DemoTrafficTests : AppTestBase
{
    protected override Dictionary<string, string?>? Settings => new()
    {
        ["Demo:Enabled"] = null, // unset: on, because this app runs its embedded broker
        ["Demo:OrdersPerSecond"] = "40",
        ["Monitor:GroupIntervalMs"] = "300",
    };

    [Fact]
    public async Task DemoMakesALivingClusterAndCanBePaused()
    {
        var demo = App.Get<DemoTraffic>();
        Assert.True(demo.IsEnabled);
        await WaitForAsync(() => Cluster.GroupLags.ContainsKey(DemoTraffic.KeepingUpGroup) && Cluster.GroupLags.ContainsKey(DemoTraffic.LaggingGroup), "both demo groups", 60);
        Assert.All(DemoTraffic.Topics, t => Assert.Equal(t.Partitions, Cluster.Snapshot!.Topics[t.Topic].Partitions.Count));

        var metrics = App.Get<LiveMetrics>();
        long LagOf(string group) => metrics.Latest.Groups.GetValueOrDefault(group)?.LagRecords ?? -1;
        await WaitForAsync(() => LagOf(DemoTraffic.LaggingGroup) > 0, "the lagging group to lag", 30);
        long lagBefore = LagOf(DemoTraffic.LaggingGroup);
        await Task.Delay(6000);
        Assert.True(LagOf(DemoTraffic.LaggingGroup) > lagBefore + 50, $"lag went from {lagBefore} to {LagOf(DemoTraffic.LaggingGroup)}");
        Assert.InRange(LagOf(DemoTraffic.KeepingUpGroup), 0, 200); // ~1 s of orders at most, it commits every second
        Assert.True(metrics.Latest.Cluster.ProducedRecordsPerSec > 10);
        Assert.True(metrics.Latest.Groups[DemoTraffic.KeepingUpGroup].ConsumedRecordsPerSec > 0);

        // Records: a uuid key and a JSON value carrying the same id.
        var record = Clients.ReadAll(Bootstrap, DemoTraffic.Orders, 6, TimeSpan.FromSeconds(5)).First();
        var id = Guid.Parse(System.Text.Encoding.UTF8.GetString(record.Message.Key!));
        using var value = JsonDocument.Parse(record.Message.Value!);
        Assert.Equal(id, value.RootElement.GetProperty("orderId").GetGuid());
        Assert.True(value.RootElement.GetProperty("total").GetDouble() > 0);

        demo.SetPaused(true);
        await Task.Delay(1500);
        long end = Cluster.Snapshot!.Topics[DemoTraffic.Orders].Partitions.Sum(p => p.HighWatermark);
        await Task.Delay(1500);
        Cluster.RequestRefresh();
        await Task.Delay(500);
        Assert.Equal(end, Cluster.Snapshot!.Topics[DemoTraffic.Orders].Partitions.Sum(p => p.HighWatermark));
        demo.SetPaused(false);
        await WaitForAsync(() => Cluster.Snapshot!.Topics[DemoTraffic.Orders].Partitions.Sum(p => p.HighWatermark) > end, "orders again");
    }

    [Fact]
    public async Task DemoIsOffForAnExternalClusterUnlessAskedFor()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var external = new AppFactory(new() { ["Kafka:BootstrapServers"] = broker.BootstrapServers, ["Demo:Enabled"] = null });
        external.Start();
        Assert.False(external.Get<DemoTraffic>().IsEnabled);
        await Task.Delay(1500);
        using var admin = Clients.Admin(broker.BootstrapServers);
        Assert.DoesNotContain(admin.GetMetadata(TimeSpan.FromSeconds(5)).Topics, t => t.Topic.StartsWith("demo.", StringComparison.Ordinal));
    }
}
