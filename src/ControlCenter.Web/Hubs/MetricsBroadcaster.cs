using System.Threading.Channels;
using ControlCenter.Kafka.Metrics;
using Microsoft.AspNetCore.SignalR;

namespace ControlCenter.Web.Hubs;

/// <summary>
/// Sends each tick's metrics to the hub's subscribers. The monitor hands the snapshot over and
/// goes on; sending happens here, so a slow client never delays the monitor (and a backlog
/// keeps only the newest tick).
/// </summary>
public sealed class MetricsBroadcaster(LiveMetrics metrics, HubSubscriptions subscriptions, IHubContext<MetricsHub> hub, ILogger<MetricsBroadcaster> logger)
    : BackgroundService
{
    private readonly Channel<MetricsSnapshot> _ticks = Channel.CreateBounded<MetricsSnapshot>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private long _sent;

    /// <summary>Ticks whose messages have been handed to every subscriber's connection (diagnostics, tests).</summary>
    public long TicksSent => Interlocked.Read(ref _sent);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        void OnUpdated(MetricsSnapshot snapshot) => _ticks.Writer.TryWrite(snapshot);
        metrics.Updated += OnUpdated;
        try
        {
            await foreach (var snapshot in _ticks.Reader.ReadAllAsync(stopping))
            {
                try { await SendAsync(snapshot, stopping); Interlocked.Increment(ref _sent); }
                catch (Exception e) when (e is not OperationCanceledException) { logger.LogWarning(e, "Sending metrics to hub clients failed"); }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
        finally { metrics.Updated -= OnUpdated; }
    }

    private async Task SendAsync(MetricsSnapshot snapshot, CancellationToken cancellation)
    {
        foreach (var scope in subscriptions.Followed)
        {
            var (method, message) = scope.Kind switch
            {
                ScopeKind.Cluster => ("cluster", (object?)snapshot.Cluster),
                ScopeKind.Topic => ("topic", snapshot.Topics.GetValueOrDefault(scope.Name)),
                _ => ("group", snapshot.Groups.GetValueOrDefault(scope.Name)),
            };
            if (message is not null) await hub.Clients.Group(scope.Key).SendAsync(method, message, cancellation);
        }
    }
}
