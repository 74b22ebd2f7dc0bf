using System.Collections.Concurrent;
using ControlCenter.Kafka.Metrics;

namespace ControlCenter.Web.Hubs;

/// <summary>A metrics scope of one cluster; its SignalR group is "{cluster}/{scope key}".</summary>
public readonly record struct ClusterScope(string Cluster, MetricsScope Scope)
{
    public string Group => $"{Cluster}/{Scope.Key}";
}

/// <summary>
/// Which hub connections follow which scope. SignalR groups do the fan-out; this registry only
/// lets the broadcaster skip scopes nobody follows (a topic's message is built only if wanted).
/// </summary>
public sealed class HubSubscriptions
{
    private readonly ConcurrentDictionary<string, HashSet<ClusterScope>> _byConnection = new();
    private readonly ConcurrentDictionary<ClusterScope, int> _counts = new();

    public bool Add(string connectionId, ClusterScope scope)
    {
        var scopes = _byConnection.GetOrAdd(connectionId, _ => []);
        lock (scopes)
            if (!scopes.Add(scope)) return false;
        _counts.AddOrUpdate(scope, 1, (_, n) => n + 1);
        return true;
    }

    public bool Remove(string connectionId, ClusterScope scope)
    {
        if (!_byConnection.TryGetValue(connectionId, out var scopes)) return false;
        lock (scopes)
            if (!scopes.Remove(scope)) return false;
        Decrement(scope);
        return true;
    }

    public void RemoveConnection(string connectionId)
    {
        if (!_byConnection.TryRemove(connectionId, out var scopes)) return;
        lock (scopes)
            foreach (var scope in scopes) Decrement(scope);
    }

    /// <summary>The scopes at least one connection follows.</summary>
    public IEnumerable<ClusterScope> Followed => _counts.Where(c => c.Value > 0).Select(c => c.Key);

    public int Connections => _byConnection.Count;

    private void Decrement(ClusterScope scope)
    {
        if (_counts.AddOrUpdate(scope, 0, (_, n) => n - 1) <= 0) _counts.TryRemove(new KeyValuePair<ClusterScope, int>(scope, 0));
    }
}
