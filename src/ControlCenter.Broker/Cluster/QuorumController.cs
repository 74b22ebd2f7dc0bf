using ControlCenter.Broker.Config;
using ControlCenter.Broker.Protocol;
using ControlCenter.LogFormat;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Cluster;

/// <summary>A node that applies published metadata (its replica manager).</summary>
internal interface IMetadataListener
{
    int NodeId { get; }
    void Apply(ClusterImage image);
}

/// <summary>One thing the controller did that a dashboard shows (controller moves, leader changes, fencing).</summary>
public sealed record ControllerEvent(long TimestampMs, string Kind, string Message);

/// <summary>
/// The embedded cluster's KRaft controller. The metadata quorum lives in this process (one
/// durable store the nodes share, like a Raft log that is always reachable); the active
/// controller role is held by the lowest-id live node and moves when that node stops. Nodes
/// register and heartbeat; a node that stops heartbeating for broker.session.timeout.ms is
/// fenced: it leaves every ISR and its partitions get new leaders from the ISR (or, with
/// unclean.leader.election.enable, from any live replica), with the leader epoch bumped.
/// Every change is persisted, then published to every reachable node as a new image.
/// </summary>
internal sealed partial class QuorumController : IDisposable
{
    private const long ProducerIdBlockSize = 1000;
    private const int MaxEvents = 500;
    private readonly object _lock = new();
    private readonly ControllerStore _store;
    private readonly ILogger _logger;
    private readonly Dictionary<int, IMetadataListener> _listeners = new();
    private readonly Dictionary<int, long> _lastHeartbeat = new();
    private readonly HashSet<int> _isolated = new();
    private readonly LinkedList<ControllerEvent> _events = new();
    private readonly CancellationTokenSource _stopping = new();
    private ClusterImage _image;
    private long _nextProducerId;
    private Task _sessions = Task.CompletedTask;

    public QuorumController(string dir, BrokerConfig config, ILogger logger, TimeProvider time)
    {
        _store = new ControllerStore(dir);
        Config = config;
        _logger = logger;
        Time = time;
        var loaded = _store.Load();
        ClusterId = loaded?.ClusterId ?? UuidCodec.ToBase64Url(Guid.NewGuid());
        // After a restart every node starts fenced: it must register (and catch up) again.
        _image = loaded is { } l
            ? new ClusterImage(1, -1, l.Brokers.ToDictionary(b => b.Id, b => b with { Fenced = true }),
                l.Topics.ToDictionary(t => t.Name, StringComparer.Ordinal), l.NextProducerIdBlock, l.BrokerConfigs)
            : ClusterImage.Empty;
        _nextProducerId = _image.NextProducerIdBlock;
    }

    public string ClusterId { get; }
    public BrokerConfig Config { get; }
    public TimeProvider Time { get; }
    public ClusterImage Image => Volatile.Read(ref _image);
    private long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();
    public long SessionTimeoutMs => Config.GetLong(BrokerConfigKeys.BrokerSessionTimeoutMs);
    public long HeartbeatIntervalMs => Config.GetLong(BrokerConfigKeys.BrokerHeartbeatIntervalMs);
    private bool UncleanElection => Config.GetBool(TopicConfigs.UncleanLeaderElectionEnable);

    /// <summary>Newest first.</summary>
    public IReadOnlyList<ControllerEvent> Events { get { lock (_lock) return _events.ToList(); } }

    public void Start() => _sessions = Task.Run(() => WatchSessionsAsync(_stopping.Token));

    // ------------------------------------------------------------------ nodes

    /// <summary>A node starts: it is registered (unfenced), becomes eligible to lead, and gets the current image.</summary>
    public void Register(IMetadataListener node, string host, int port, string? rack)
    {
        lock (_lock)
        {
            _listeners[node.NodeId] = node;
            _isolated.Remove(node.NodeId);
            _lastHeartbeat[node.NodeId] = NowMs;
            var brokers = _image.Brokers.ToDictionary();
            brokers[node.NodeId] = new BrokerRegistration(node.NodeId, host, port, rack, Fenced: false);
            var topics = ElectOfflineLeaders(_image.Topics, brokers);
            Commit(_image with { Brokers = brokers, Topics = topics }, "broker", $"Node {node.NodeId} registered at {host}:{port}");
        }
        Publish();
    }

    /// <summary>A live node says it is alive. Nodes the controller cannot hear from (isolated) are ignored.</summary>
    public void Heartbeat(int nodeId)
    {
        lock (_lock)
        {
            if (_isolated.Contains(nodeId) || !_listeners.ContainsKey(nodeId)) return;
            _lastHeartbeat[nodeId] = NowMs;
            if (!_image.Brokers.TryGetValue(nodeId, out var registration) || !registration.Fenced) return;
            // Heard from again (after an isolation): unfenced, and offline partitions it can lead come back.
            var brokers = _image.Brokers.ToDictionary();
            brokers[nodeId] = registration with { Fenced = false };
            Commit(_image with { Brokers = brokers, Topics = ElectOfflineLeaders(_image.Topics, brokers) }, "broker", $"Node {nodeId} unfenced (heartbeats resumed)");
        }
        Publish();
    }

    /// <summary>Clean shutdown: leadership moves away at once (Kafka's controlled shutdown) and the node is fenced.</summary>
    public void ControlledShutdown(int nodeId)
    {
        lock (_lock)
        {
            _listeners.Remove(nodeId);
            _lastHeartbeat.Remove(nodeId);
            FenceLocked(nodeId, "controlled shutdown");
        }
        Publish();
    }

    /// <summary>The node's process is gone without telling anyone: only its missing heartbeats will reveal it.</summary>
    public void Forget(int nodeId)
    {
        lock (_lock) _listeners.Remove(nodeId);
    }

    /// <summary>The node keeps running but can no longer reach (or be reached by) the quorum and its peers.</summary>
    public void SetIsolated(int nodeId, bool isolated)
    {
        lock (_lock)
        {
            if (isolated) _isolated.Add(nodeId);
            else if (_isolated.Remove(nodeId)) _lastHeartbeat[nodeId] = NowMs;
        }
        if (!isolated) Publish();
    }

    public bool IsIsolated(int nodeId) { lock (_lock) return _isolated.Contains(nodeId); }

    private async Task WatchSessionsAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(50, HeartbeatIntervalMs / 2)), Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                bool changed = false;
                lock (_lock)
                {
                    long now = NowMs;
                    foreach (var broker in _image.Brokers.Values.Where(b => !b.Fenced).ToList())
                        if (now - _lastHeartbeat.GetValueOrDefault(broker.Id) > SessionTimeoutMs)
                            changed |= FenceLocked(broker.Id, $"no heartbeat for {SessionTimeoutMs} ms");
                }
                if (changed) Publish();
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Fences a node: out of every ISR, new leaders for what it led.</summary>
    private bool FenceLocked(int nodeId, string reason)
    {
        if (!_image.Brokers.TryGetValue(nodeId, out var registration) || registration.Fenced) return false;
        var brokers = _image.Brokers.ToDictionary();
        brokers[nodeId] = registration with { Fenced = true };
        var topics = new Dictionary<string, TopicImage>(StringComparer.Ordinal);
        foreach (var topic in _image.Topics.Values)
        {
            var partitions = topic.Partitions.ToArray();
            for (int p = 0; p < partitions.Length; p++)
            {
                var reg = partitions[p];
                if (!reg.Isr.Contains(nodeId) && reg.Leader != nodeId) continue;
                partitions[p] = Reelect(topic.Name, p, reg, brokers, without: nodeId);
            }
            topics[topic.Name] = topic with { Partitions = partitions };
        }
        Commit(_image with { Brokers = brokers, Topics = topics }, "broker", $"Node {nodeId} fenced ({reason})");
        return true;
    }

    /// <summary>
    /// The partition without <paramref name="without"/>: its leader from the rest of the ISR in
    /// replica order; when nobody in the ISR is left the partition goes offline, keeping the
    /// last ISR member so it can lead again when it comes back (no data loss), unless unclean
    /// election lets any live replica take over.
    /// </summary>
    private PartitionRegistration Reelect(string topic, int partition, PartitionRegistration reg, Dictionary<int, BrokerRegistration> brokers, int without)
    {
        bool Live(int id) => id != without && brokers.TryGetValue(id, out var b) && !b.Fenced;
        var isr = reg.Isr.Where(Live).ToArray();
        int leader = reg.Leader != without && Live(reg.Leader) ? reg.Leader : reg.Replicas.FirstOrDefault(r => isr.Contains(r), -1);
        if (leader < 0 && UncleanOf(topic) && reg.Replicas.FirstOrDefault(Live, -1) is var unclean and >= 0)
        {
            leader = unclean;
            isr = [unclean];
            Event("election", $"{topic}-{partition}: unclean election of node {unclean} (no in-sync replica left)");
        }
        if (isr.Length == 0) isr = reg.Isr.Length > 0 ? [reg.Isr.Contains(without) ? without : reg.Isr[0]] : [];
        bool leaderChanged = leader != reg.Leader;
        if (leaderChanged)
            Event("leader", leader < 0 ? $"{topic}-{partition} is offline (leader {reg.Leader} gone, no in-sync replica left)"
                : $"{topic}-{partition}: leader {reg.Leader} -> {leader}, epoch {reg.LeaderEpoch + 1}");
        return reg with
        {
            Leader = leader, Isr = isr, LeaderEpoch = leaderChanged ? reg.LeaderEpoch + 1 : reg.LeaderEpoch, PartitionEpoch = reg.PartitionEpoch + 1,
        };
    }

    /// <summary>A node came back: offline partitions whose last in-sync replica it is get it as leader.</summary>
    private Dictionary<string, TopicImage> ElectOfflineLeaders(IReadOnlyDictionary<string, TopicImage> current, Dictionary<int, BrokerRegistration> brokers)
    {
        var topics = new Dictionary<string, TopicImage>(StringComparer.Ordinal);
        foreach (var topic in current.Values)
        {
            var partitions = topic.Partitions.ToArray();
            for (int p = 0; p < partitions.Length; p++)
                if (partitions[p].IsOffline)
                    partitions[p] = Reelect(topic.Name, p, partitions[p], brokers, without: -1);
            topics[topic.Name] = topic with { Partitions = partitions };
        }
        return topics;
    }

    private bool UncleanOf(string topic) =>
        _image.Topics.TryGetValue(topic, out var t) && t.Configs.TryGetValue(TopicConfigs.UncleanLeaderElectionEnable, out var v)
            ? bool.Parse(v) : UncleanElection;

    // ------------------------------------------------------------------ publishing

    /// <summary>Persists the next image, then makes it current. Callers hold the lock and call <see cref="Publish"/> after releasing it.</summary>
    private void Commit(ClusterImage next, string kind, string message)
    {
        int controller = next.Brokers.Values.Where(b => !b.Fenced && _listeners.ContainsKey(b.Id) && !_isolated.Contains(b.Id))
            .Select(b => b.Id).DefaultIfEmpty(-1).Min();
        if (controller != _image.ControllerId && controller >= 0)
            Event("controller", _image.ControllerId < 0 ? $"Node {controller} is the active controller" : $"Active controller moved from node {_image.ControllerId} to node {controller}");
        next = next with { Version = _image.Version + 1, ControllerId = controller };
        _store.Save(ClusterId, next);
        Volatile.Write(ref _image, next);
        Event(kind, message);
    }

    private void Event(string kind, string message)
    {
        _events.AddFirst(new ControllerEvent(NowMs, kind, message));
        if (_events.Count > MaxEvents) _events.RemoveLast();
        _logger.LogInformation("Controller: {Message}", message);
    }

    /// <summary>Hands the current image to every node the quorum can reach; each applies images in version order.</summary>
    private void Publish()
    {
        List<IMetadataListener> targets;
        ClusterImage image;
        lock (_lock)
        {
            image = _image;
            targets = _listeners.Values.Where(l => !_isolated.Contains(l.NodeId)).ToList();
        }
        foreach (var node in targets)
        {
            try { node.Apply(image); }
            catch (Exception e) { _logger.LogError(e, "Node {Node} failed to apply metadata version {Version}", node.NodeId, image.Version); }
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        try { _sessions.Wait(); } catch (AggregateException) { }
        _stopping.Dispose();
    }
}
