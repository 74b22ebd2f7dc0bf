using System.Threading.Channels;
using ControlCenter.Kafka.Alerts;
using Microsoft.AspNetCore.SignalR;

namespace ControlCenter.Web.Hubs;

/// <summary>
/// Forwards every alert event (as it is written to the history) to the hub's alert subscribers,
/// in order. The alert manager hands events over and goes on; a slow client never delays the monitor.
/// </summary>
public sealed class AlertBroadcaster(AlertManager alerts, IHubContext<MetricsHub> hub, ILogger<AlertBroadcaster> logger) : BackgroundService
{
    private readonly Channel<AlertEvent> _events = Channel.CreateBounded<AlertEvent>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        void OnRecorded(AlertEvent e) => _events.Writer.TryWrite(e);
        alerts.Recorded += OnRecorded;
        try
        {
            await foreach (var e in _events.Reader.ReadAllAsync(stopping))
            {
                try { await hub.Clients.Group(MetricsHub.AlertsGroup).SendAsync("alert", e, stopping); }
                catch (Exception ex) when (ex is not OperationCanceledException) { logger.LogWarning(ex, "Sending an alert event to hub clients failed"); }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
        finally { alerts.Recorded -= OnRecorded; }
    }
}
