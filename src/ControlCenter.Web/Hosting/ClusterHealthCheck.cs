using System.Text.Json;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Metrics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ControlCenter.Web.Hosting;

/// <summary>/healthz: the app is up (200) and says whether the cluster is reachable (Degraded when not).</summary>
public sealed class ClusterHealthCheck(IClusterState cluster, ClusterMonitor monitor, LiveMetrics metrics, ControlCenter.Kafka.Clusters.ClusterRegistry clusters) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = cluster.Status;
        var data = new Dictionary<string, object>
        {
            ["reachable"] = status.IsReachable,
            ["state"] = status.State.ToString(),
            ["bootstrapServers"] = status.BootstrapServers,
            ["checkedAt"] = status.CheckedAt,
        };
        if (status.Error is not null) data["error"] = status.Error;
        if (cluster.Overview is { } o) { data["clusterId"] = o.ClusterId ?? ""; data["brokers"] = o.Brokers.Count; }
        // The monitor's own cost, for whoever watches the watcher.
        data["monitor"] = new { ticks = monitor.Ticks, lastTickMs = monitor.LastTickDuration.TotalMilliseconds, historySeries = metrics.HistorySeries, historyBytes = metrics.HistoryBytes };
        // Every cluster's state and monitor (the default one is the top-level status: old probes keep working).
        data["clusters"] = clusters.All.Select(c =>
        {
            var (state, own, history, alerts) = (c.Get<IClusterState>(), c.Get<ClusterMonitor>(), c.Get<LiveMetrics>(), c.Get<ControlCenter.Kafka.Alerts.AlertManager>());
            return new
            {
                name = c.Name, reachable = state.Status.IsReachable, brokers = state.Overview?.Brokers.Count ?? 0, partitions = state.Overview?.PartitionCount ?? 0,
                ticks = own.Ticks, lastTickMs = own.LastTickDuration.TotalMilliseconds, historySeries = history.HistorySeries, historyBytes = history.HistoryBytes,
                alertEvaluations = alerts.Evaluations, alertsFiring = alerts.FiringCount,
            };
        }).ToList();
        return Task.FromResult(status.IsReachable
            ? HealthCheckResult.Healthy("Cluster reachable", data)
            : HealthCheckResult.Degraded(status.Error ?? "Connecting to the cluster", data: data));
    }

    public static Task WriteResponse(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var cluster = report.Entries.TryGetValue("cluster", out var entry) ? entry.Data : new Dictionary<string, object>();
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            cluster,
        }));
    }
}
