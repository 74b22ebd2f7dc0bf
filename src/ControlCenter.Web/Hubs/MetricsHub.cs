using ControlCenter.Access;
using ControlCenter.Kafka.Metrics;
using ControlCenter.LogFormat;
using ControlCenter.Web.Security;
using Microsoft.AspNetCore.SignalR;

namespace ControlCenter.Web.Hubs;

/// <summary>What a subscribe call returns: the scope's history so far and its latest metrics (null before the first tick).</summary>
public sealed record MetricsSubscription(string Scope, MetricsHistory History, object? Current);

/// <summary>
/// Live metrics at /hubs/metrics. A client calls SubscribeCluster, SubscribeTopic(name) or
/// SubscribeGroup(id), gets the history back, then receives "cluster", "topic" or "group"
/// messages on every monitor tick (ClusterMetrics, TopicMetrics, GroupMetrics). The monitor
/// samples once for everyone: subscribers add no load on the cluster. SubscribeAlerts adds the
/// alert events (see <see cref="AlertBroadcaster"/>).
/// </summary>
public sealed class MetricsHub(LiveMetrics metrics, HubSubscriptions subscriptions, AccessPolicy policy, ControlCenter.Kafka.Alerts.AlertManager alerts,
    ControlCenter.Web.Clusters.ClusterSelection cluster) : Hub
{
    public const string Path = "/hubs/metrics";

    /// <summary>The SignalR group of a cluster's connections that receive "alert" messages (AlertEvent: firing, resolved, acknowledged, silenced, notified…).</summary>
    public static string AlertsGroup(string cluster) => $"{cluster}/alerts";

    /// <summary>Alert events from now on, as "alert" messages; returns the alerts pending or firing now.</summary>
    public async Task<IReadOnlyList<ControlCenter.Kafka.Alerts.ActiveAlert>> SubscribeAlerts()
    {
        var decision = UserAccess.From(Context.User ?? new(), policy).Decide(AccessAction.View, ResourceKind.Cluster, cluster.Name);
        if (!decision.Allowed) throw new HubException(decision.Reason);
        await Groups.AddToGroupAsync(Context.ConnectionId, AlertsGroup(cluster.Name));
        return alerts.Active;
    }

    public Task<MetricsSubscription> SubscribeCluster() => SubscribeAsync(MetricsScope.Cluster);

    // Async all the way: SignalR reports a HubException's message only when it comes out of the returned task.
    public async Task<MetricsSubscription> SubscribeTopic(string topic)
    {
        if (TopicNames.Validate(topic) is { } problem) throw new HubException(problem);
        return await SubscribeAsync(MetricsScope.Topic(topic));
    }

    public async Task<MetricsSubscription> SubscribeGroup(string group)
    {
        if (string.IsNullOrEmpty(group) || group.Length > 255) throw new HubException("A group id is 1 to 255 characters.");
        return await SubscribeAsync(MetricsScope.Group(group));
    }

    /// <summary>Stops messages for a scope: "cluster", "topic:name" or "group:id", as returned in <see cref="MetricsSubscription.Scope"/>.</summary>
    public async Task Unsubscribe(string scope)
    {
        var parsed = Parse(scope) ?? throw new HubException($"Unknown scope '{scope}': use cluster, topic:<name> or group:<id>.");
        var scoped = new ClusterScope(cluster.Name, parsed);
        if (subscriptions.Remove(Context.ConnectionId, scoped)) await Groups.RemoveFromGroupAsync(Context.ConnectionId, scoped.Group);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        subscriptions.RemoveConnection(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    private async Task<MetricsSubscription> SubscribeAsync(MetricsScope scope)
    {
        // Each subscription is a right of its own: a role may see some topics or groups and not others.
        var (kind, name) = scope.Kind switch
        {
            ScopeKind.Cluster => (ResourceKind.Cluster, cluster.Name),
            ScopeKind.Topic => (ResourceKind.Topic, scope.Name),
            _ => (ResourceKind.Group, scope.Name),
        };
        var decision = UserAccess.From(Context.User ?? new(), policy).Decide(AccessAction.View, kind, name);
        if (!decision.Allowed) throw new HubException(decision.Reason);
        // Join first, then read: a tick in between is sent twice at worst, never missed.
        var scoped = new ClusterScope(cluster.Name, scope);
        await Groups.AddToGroupAsync(Context.ConnectionId, scoped.Group);
        subscriptions.Add(Context.ConnectionId, scoped);
        var latest = metrics.Latest;
        object? current = scope.Kind switch
        {
            ScopeKind.Cluster => latest == MetricsSnapshot.Empty ? null : latest.Cluster,
            ScopeKind.Topic => latest.Topics.GetValueOrDefault(scope.Name),
            _ => latest.Groups.GetValueOrDefault(scope.Name),
        };
        return new MetricsSubscription(scope.Key, metrics.History(scope), current);
    }

    internal static MetricsScope? Parse(string scope) => scope switch
    {
        "cluster" => MetricsScope.Cluster,
        _ when scope.StartsWith("topic:", StringComparison.Ordinal) => MetricsScope.Topic(scope[6..]),
        _ when scope.StartsWith("group:", StringComparison.Ordinal) => MetricsScope.Group(scope[6..]),
        _ => null,
    };
}
