using System.Collections.Concurrent;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Metrics;

namespace ControlCenter.Kafka.Tests.Metrics;

/// <summary>The monitor and the live metrics across a broker that stops and comes back, twice.</summary>
public class MonitorOutageTests
{
    [Fact]
    public async Task MetricsKeepFlowingAcrossBrokerRestartsWithAGapAndNoClientLeak()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var broker = await TestBroker.StartAsync();
        await using var host = await ClusterHost.StartAsync(broker.BootstrapServers);
        var cluster = host.Cluster;
        var metrics = host.Get<LiveMetrics>();
        var connection = host.Get<ClusterConnection>();
        var time = host.Get<TimeProvider>();
        await Clients.CreateTopicAsync(broker.BootstrapServers, "survivor", 1);
        var received = new ConcurrentQueue<ClusterMetrics>();
        metrics.Updated += m => received.Enqueue(m.Cluster);

        long clientsAfterFirstOutage = 0;
        for (int outage = 1; outage <= 2; outage++)
        {
            await Wait.UntilAsync(() => cluster.Status.State == ConnectionState.Connected, "connected", cancellation: cancellation);
            await broker.Broker.StopAsync();
            await Wait.UntilAsync(() => cluster.Status.State == ConnectionState.Unreachable, "unreachable", cancellation: cancellation);
            await cluster.NextTickAsync(cancellation); // at least one more failed tick: a gap in the history
            await broker.RestartAsync(); // same port and data
            await Wait.UntilAsync(() => cluster.Status.State == ConnectionState.Connected, "connected again", cancellation: cancellation);
            var back = time.GetUtcNow();
            await Wait.UntilAsync(() => received.Any(m => m.Time > back && m.ProducedRecordsPerSec is not null), "rates after the outage", cancellation: cancellation);
            if (outage == 1) clientsAfterFirstOutage = connection.ClientsCreated;
        }
        // A leak check that measures something deterministic: the monitor kept its clients across
        // the second outage instead of building new ones (each holds threads, sockets and buffers).
        Assert.Equal(clientsAfterFirstOutage, connection.ClientsCreated);
        var values = metrics.History(MetricsScope.Cluster).Recent.Select(p => p.Values[0]).ToList();
        Assert.Contains(null, values.SkipWhile(v => v is null)); // gaps after the first rates: the outages
        Assert.NotNull(values[^1]);
        Assert.Equal(1, metrics.Latest.Cluster.Topics);
    }
}
