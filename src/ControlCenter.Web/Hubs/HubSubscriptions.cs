using System.Collections.Concurrent;
using ControlCenter.Kafka.Metrics;

namespace ControlCenter.Web.Hubs;

/// <summary>
/// Which hub connections follow which scope. SignalR groups do the fan-out; this registry only
/// lets the broadcaster skip scopes nobody follows (a topic's message is built only if wanted).
/// </summary>
public sealed class HubSubscriptions
{
    private readonly ConcurrentDictionary<string, HashSet<MetricsScope>> _byConnection = new();
    private readonly ConcurrentDictionary<MetricsScope, int> _counts = new();

    public bool Add(string connectionId, MetricsScope scope)
    {
        var scopes = _byConnection.GetOrAdd(connectionId, _ => []);
        lock (scopes)
            if (!scopes.Add(scope)) return false;
        _counts.AddOrUpdate(scope, 1, (_, n) => n + 1);
        return true;
    }

    public bool Remove(string connectionId, MetricsScope scope)
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
    public IEnumerable<MetricsScope> Followed => _counts.Where(c => c.Value > 0).Select(c => c.Key);

    public int Connections => _byConnection.Count;

    private void Decrement(MetricsScope scope)
    {
        if (_counts.AddOrUpdate(scope, 0, (_, n) => n - 1) <= 0) _counts.TryRemove(new KeyValuePair<MetricsScope, int>(scope, 0));
    }
}
