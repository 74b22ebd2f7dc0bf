using System.Threading.Channels;
using ControlCenter.Kafka.Metrics;
using Microsoft.AspNetCore.SignalR;

namespace ControlCenter.Web.Hubs;

/// <summary>
/// Sends each tick's metrics to the hub's subscribers. The monitor hands the snapshot over and
/// goes on; sending happens here, so a slow client never delays the monitor (and a backlog
/// keeps only the newest tick).
/// </summary>
public sealed class MetricsBroadcaster(ControlCenter.Kafka.Clusters.ClusterRegistry clusters, HubSubscriptions subscriptions, IHubContext<MetricsHub> hub, ILogger<MetricsBroadcaster> logger)
    : BackgroundService
{
    // Per cluster, only the newest tick waits: a backlog of one cluster never holds back another's.
    private readonly Channel<(string Cluster, MetricsSnapshot Snapshot)> _ticks = Channel.CreateBounded<(string, MetricsSnapshot)>(
        new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private long _sent;

    /// <summary>Ticks whose messages have been handed to every subscriber's connection (diagnostics, tests).</summary>
    public long TicksSent => Interlocked.Read(ref _sent);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        using var follow = new Clusters.EveryCluster<LiveMetrics>(clusters, (name, metrics) =>
        {
            void OnUpdated(MetricsSnapshot snapshot) => _ticks.Writer.TryWrite((name, snapshot));
            metrics.Updated += OnUpdated;
            return () => metrics.Updated -= OnUpdated;
        }).Start();
        try
        {
            await foreach (var (cluster, snapshot) in _ticks.Reader.ReadAllAsync(stopping))
            {
                try { await SendAsync(cluster, snapshot, stopping); Interlocked.Increment(ref _sent); }
                catch (Exception e) when (e is not OperationCanceledException) { logger.LogWarning(e, "Sending metrics to hub clients failed"); }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
    }

    private async Task SendAsync(string cluster, MetricsSnapshot snapshot, CancellationToken cancellation)
    {
        foreach (var (name, scope) in subscriptions.Followed)
        {
            if (name != cluster) continue;
            var (method, message) = scope.Kind switch
            {
                ScopeKind.Cluster => ("cluster", (object?)snapshot.Cluster),
                ScopeKind.Topic => ("topic", snapshot.Topics.GetValueOrDefault(scope.Name)),
                _ => ("group", snapshot.Groups.GetValueOrDefault(scope.Name)),
            };
            if (message is not null) await hub.Clients.Group(new ClusterScope(name, scope).Group).SendAsync(method, message, cancellation);
        }
    }
}
