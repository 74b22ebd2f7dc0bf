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
    private readonly Dictionary<string, (AlertManager Alerts, Action<AlertEvent> Handler)> _followed = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        Follow();
        clusters.Changed += Follow;
        try
        {
            await foreach (var (cluster, e) in _events.Reader.ReadAllAsync(stopping))
            {
                try { await hub.Clients.Group(MetricsHub.AlertsGroup(cluster)).SendAsync("alert", e, stopping); }
                catch (Exception ex) when (ex is not OperationCanceledException) { logger.LogWarning(ex, "Sending an alert event to hub clients failed"); }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
        finally
        {
            clusters.Changed -= Follow;
            lock (_followed)
                foreach (var (alerts, handler) in _followed.Values) alerts.Recorded -= handler;
        }
    }

    /// <summary>Listens to every cluster's alerts (again after a cluster was added or removed).</summary>
    private void Follow()
    {
        lock (_followed)
        {
            var current = clusters.All.ToDictionary(c => c.Name, c => c.Get<AlertManager>(), StringComparer.Ordinal);
            foreach (var name in _followed.Keys.Where(n => !current.TryGetValue(n, out var a) || a != _followed[n].Alerts).ToList())
            {
                _followed[name].Alerts.Recorded -= _followed[name].Handler;
                _followed.Remove(name);
            }
            foreach (var (name, alerts) in current.Where(c => !_followed.ContainsKey(c.Key)))
            {
                void OnRecorded(AlertEvent e) => _events.Writer.TryWrite((name, e));
                alerts.Recorded += OnRecorded;
                _followed[name] = (alerts, OnRecorded);
            }
        }
    }
}
