using System.Threading.Channels;
using ControlCenter.Kafka.Alerts;
using Microsoft.AspNetCore.SignalR;

namespace ControlCenter.Web.Hubs;

/// <summary>
/// Forwards every alert event (as it is written to the history) to the hub's alert subscribers,
/// in order. The alert manager hands events over and goes on; a slow client never delays the monitor.
/// </summary>
public sealed class AlertBroadcaster(ControlCenter.Kafka.Clusters.ClusterRegistry clusters, IHubContext<MetricsHub> hub, ILogger<AlertBroadcaster> logger) : BackgroundService
{
    private readonly Channel<(string Cluster, AlertEvent Event)> _events = Channel.CreateBounded<(string, AlertEvent)>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        using var follow = new Clusters.EveryCluster<AlertManager>(clusters, (name, alerts) =>
        {
            void OnRecorded(AlertEvent e) => _events.Writer.TryWrite((name, e));
            alerts.Recorded += OnRecorded;
            return () => alerts.Recorded -= OnRecorded;
        }).Start();
        try
        {
            await foreach (var (cluster, e) in _events.Reader.ReadAllAsync(stopping))
            {
                try { await hub.Clients.Group(MetricsHub.AlertsGroup(cluster)).SendAsync("alert", e, stopping); }
                catch (Exception ex) when (ex is not OperationCanceledException) { logger.LogWarning(ex, "Sending an alert event to hub clients failed"); }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
    }
}
