namespace ControlCenter.Kafka.Cluster;

/// <summary>One change the monitor saw between two reads of the cluster.</summary>
public sealed record ClusterChange(DateTimeOffset At, string Kind, string Message);

/// <summary>
/// The history of controller moves, brokers going and coming back, and partition leader
/// changes, found by comparing each snapshot with the one before (works for any cluster: it
/// needs nothing but the metadata every tick reads). Bounded; newest first.
/// </summary>
public sealed class ClusterChangeLog
{
    public const int Capacity = 200;
    private const int LeaderChangesPerTick = 20;
    private readonly LinkedList<ClusterChange> _changes = new();
    private ClusterSnapshot? _previous;

    public IReadOnlyList<ClusterChange> Changes { get { lock (_changes) return _changes.ToList(); } }

    /// <summary>Records what changed since the last snapshot; true when the controller moved or a broker went or came back.</summary>
    public bool Observe(ClusterSnapshot next)
    {
        var previous = _previous;
        _previous = next;
        if (previous is null) return false;
        var at = next.ReadAt;
        var found = new List<ClusterChange>();
        var (before, after) = (previous.Overview, next.Overview);
        if (before.ControllerId != after.ControllerId)
            found.Add(new(at, "controller", before.ControllerId < 0 ? $"Node {after.ControllerId} is the active controller"
                : after.ControllerId < 0 ? $"No active controller (was node {before.ControllerId})"
                : $"Active controller moved from node {before.ControllerId} to node {after.ControllerId}"));
        var wasOnline = before.Brokers.ToDictionary(b => b.Id, b => b.IsOnline);
        foreach (var broker in after.Brokers)
        {
            bool known = wasOnline.TryGetValue(broker.Id, out bool online);
            if (known && online && !broker.IsOnline) found.Add(new(at, "broker", $"Broker {broker.Id} went offline"));
            else if ((!known || !online) && broker.IsOnline && before.Brokers.Count > 0) found.Add(new(at, "broker", $"Broker {broker.Id} is online"));
        }
        int leaderChanges = 0;
        foreach (var (name, topic) in next.Topics)
        {
            if (!previous.Topics.TryGetValue(name, out var old)) continue;
            foreach (var p in topic.Partitions)
            {
                if (p.Partition >= old.Partitions.Count || old.Partitions[p.Partition].Leader == p.Leader) continue;
                if (leaderChanges++ < LeaderChangesPerTick)
                    found.Add(new(at, "leader", p.Leader < 0 ? $"{name}-{p.Partition} is offline (leader {old.Partitions[p.Partition].Leader} gone)"
                        : $"{name}-{p.Partition}: leader {Name(old.Partitions[p.Partition].Leader)} → {p.Leader}"));
            }
        }
        if (leaderChanges > LeaderChangesPerTick) found.Add(new(at, "leader", $"…and {leaderChanges - LeaderChangesPerTick} more leader changes"));
        if (found.Count == 0) return false;
        lock (_changes)
        {
            foreach (var change in found) _changes.AddFirst(change);
            while (_changes.Count > Capacity) _changes.RemoveLast();
        }
        return found.Any(c => c.Kind is "controller" or "broker");
    }

    private static string Name(int leader) => leader < 0 ? "none" : leader.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
