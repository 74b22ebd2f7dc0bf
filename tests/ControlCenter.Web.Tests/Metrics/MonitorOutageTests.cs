using System.Collections.Concurrent;
using System.Diagnostics;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Metrics;
using ControlCenter.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace ControlCenter.Web.Tests.Metrics;

/// <summary>The monitor and the hub across a broker that stops and comes back (twice), with a hub client attached.</summary>
public class MonitorOutageTests
{
    [Fact]
    public async Task MetricsKeepFlowingAcrossBrokerRestartsWithAGapAndNoThreadLeak()
    {
        var broker = await TestBroker.StartAsync();
        await using var app = new AppFactory(new() { ["Kafka:BootstrapServers"] = broker.BootstrapServers });
        var baseAddress = app.Start();
        var cluster = app.Get<IClusterState>();
        var metrics = app.Get<LiveMetrics>();
        await Clients.CreateTopicAsync(broker.BootstrapServers, "survivor", 1);

        await using var hub = await MetricsHubTests.ConnectAsync(baseAddress);
        var received = new ConcurrentQueue<ClusterMetrics>();
        hub.On<ClusterMetrics>("cluster", received.Enqueue);
        await hub.InvokeAsync<Hubs.MetricsSubscription>("SubscribeCluster");

        int threadsAfterFirstOutage = 0;
        for (int outage = 1; outage <= 2; outage++)
        {
            await Clients.WaitUntilAsync(() => cluster.Status.State == ConnectionState.Connected, TimeSpan.FromSeconds(60), "connected");
            await broker.Broker.StopAsync();
            await Clients.WaitUntilAsync(() => cluster.Status.State == ConnectionState.Unreachable, TimeSpan.FromSeconds(30), "unreachable");
            await Task.Delay(1000); // a few failed ticks
            await broker.RestartAsync(); // same port and data
            await Clients.WaitUntilAsync(() => cluster.Status.State == ConnectionState.Connected, TimeSpan.FromSeconds(60), "connected again");
            var back = DateTimeOffset.UtcNow;
            await Clients.WaitUntilAsync(() => received.Any(m => m.Time > back && m.ProducedRecordsPerSec is not null), TimeSpan.FromSeconds(30), "rates after the outage");
            if (outage == 1) threadsAfterFirstOutage = Process.GetCurrentProcess().Threads.Count;
        }
        int threadsAfterSecond = Process.GetCurrentProcess().Threads.Count;
        Assert.True(threadsAfterSecond <= threadsAfterFirstOutage + 8, $"threads grew from {threadsAfterFirstOutage} to {threadsAfterSecond}");
        var values = metrics.History(MetricsScope.Cluster).Recent.Select(p => p.Values[0]).ToList();
        Assert.Contains(null, values.SkipWhile(v => v is null)); // gaps after the first rates: the outages
        Assert.NotNull(values[^1]);
        Assert.Equal(1, metrics.Latest.Cluster.Topics);
        await broker.DisposeAsync();
    }
}
