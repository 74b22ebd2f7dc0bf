using ControlCenter.Broker.Config;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ControlCenter.Broker.Cluster;

/// <summary>A node of the embedded cluster as the fault controls and the dashboard see it.</summary>
public sealed record EmbeddedNodeStatus(int Id, string Host, int Port, string? Rack, string State, bool IsController, int Leaders, int Replicas, string DataDir);

/// <summary>
/// The embedded Kafka cluster: <see cref="BrokerOptions.Nodes"/> brokers in one process, each
/// a full broker with its own listener and data dir, replicating over the Kafka protocol,
/// with one KRaft-style controller. Nodes can be stopped (clean), killed (no clean shutdown),
/// started again, isolated from their peers and healed. With one node it is exactly the
/// single broker (data directly in DataDir).
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    public const int MaxNodes = 9;
    private readonly BrokerOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly Dictionary<int, KafkaBroker> _nodes = new();
    private readonly Dictionary<int, int> _ports = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private QuorumController? _controller;

    public EmbeddedCluster(BrokerOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        if (options.Nodes is < 1 or > MaxNodes)
            throw new ArgumentException($"EmbeddedBroker:Nodes must be between 1 and {MaxNodes}, not {options.Nodes}");
        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _time = time ?? TimeProvider.System;
    }

    public int NodeCount => _options.Nodes;
    public bool IsMultiNode => _options.Nodes > 1;
    public string BootstrapServers => string.Join(",", _nodes.Values.Where(n => n.IsRunning).Select(n => n.BootstrapServers));
    /// <summary>Every node's address, running or not (what a client is configured with).</summary>
    public string AllBootstrapServers => string.Join(",", _ports.OrderBy(p => p.Key).Select(p => $"{Host}:{p.Value}"));
    public string Host { get; private set; } = "127.0.0.1";
    public string ClusterId => _controller?.ClusterId ?? _nodes.Values.FirstOrDefault()?.ClusterId ?? "";
    public KafkaBroker Node(int id) => _nodes[id];
    public IReadOnlyCollection<KafkaBroker> RunningNodes => _nodes.Values.Where(n => n.IsRunning).ToList();
    public int ControllerId => _controller?.Image.ControllerId ?? (_nodes.Values.Any(n => n.IsRunning) ? _options.NodeId : -1);
    public IReadOnlyList<ControllerEvent> Events => _controller?.Events ?? [];
    internal QuorumController? Controller => _controller;

    public async Task StartAsync(CancellationToken cancellation = default)
    {
        if (!IsMultiNode)
        {
            var single = new KafkaBroker(_options, _loggerFactory, _time);
            await single.StartAsync(cancellation);
            _nodes[_options.NodeId] = single;
            _ports[_options.NodeId] = single.Port;
            Host = single.Host;
            return;
        }
        var config = ClusterConfig();
        _controller = new QuorumController(Path.Combine(Path.GetFullPath(_options.DataDir), "controller"), new BrokerConfig(config),
            _loggerFactory.CreateLogger("ControlCenter.Broker.Controller"), _time);
        _controller.Start();
        for (int id = 1; id <= _options.Nodes; id++)
        {
            try { await StartNodeCoreAsync(id, cancellation); }
            catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
            {
                await DisposeAsync(); // the nodes already up stop again: nothing half-started stays behind
                throw new PortInUseException(_options.Host, _options.Port + id - 1, id, e);
            }
        }
    }

    /// <summary>The user's broker configs, with replication defaults that make a cluster replicate (min(3, nodes)) unless set.</summary>
    private Dictionary<string, string> ClusterConfig()
    {
        var config = new Dictionary<string, string>(_options.Config, StringComparer.Ordinal);
        string rf = Math.Min(3, _options.Nodes).ToString(System.Globalization.CultureInfo.InvariantCulture);
        config.TryAdd(BrokerConfigKeys.DefaultReplicationFactor, rf);
        config.TryAdd(BrokerConfigKeys.OffsetsTopicReplicationFactor, rf);
        config.TryAdd(BrokerConfigKeys.TransactionStateLogReplicationFactor, rf);
        return config;
    }

    private async Task StartNodeCoreAsync(int id, CancellationToken cancellation)
    {
        var racks = (_options.Racks ?? "").Split(',', StringSplitOptions.TrimEntries);
        var options = new BrokerOptions
        {
            Host = _options.Host,
            Port = _ports.TryGetValue(id, out var bound) ? bound : _options.Port == 0 ? 0 : _options.Port + id - 1,
            AdvertisedHost = _options.AdvertisedHost,
            DataDir = Path.Combine(_options.DataDir, $"broker-{id}"),
            NodeId = id,
            Rack = id - 1 < racks.Length && racks[id - 1].Length > 0 ? racks[id - 1] : null,
            MaxOpenFiles = _options.MaxOpenFiles,
            Config = ClusterConfig(),
        };
        var node = new KafkaBroker(options, _controller!, _loggerFactory, _time);
        await node.StartAsync(cancellation);
        _nodes[id] = node;
        _ports[id] = node.Port;
        Host = node.Host;
    }

    private void CheckNode(int id)
    {
        if (!IsMultiNode) throw new InvalidOperationException("Fault controls need a cluster of several nodes (EmbeddedBroker:Nodes > 1)");
        if (id < 1 || id > _options.Nodes) throw new ArgumentOutOfRangeException(nameof(id), $"There is no node {id}: nodes are 1..{_options.Nodes}");
    }

    /// <summary>Clean stop: leadership moves away first (controlled shutdown), logs are flushed and checkpointed.</summary>
    public Task StopNodeAsync(int id) => Locked(id, () => _nodes[id].StopAsync());

    /// <summary>Crash: no controlled shutdown, no checkpoints; the controller notices by missing heartbeats.</summary>
    public Task KillNodeAsync(int id) => Locked(id, () => _nodes[id].KillAsync());

    public Task StartNodeAsync(int id) => Locked(id, () => _nodes[id].IsRunning ? Task.CompletedTask : StartNodeCoreAsync(id, default));

    /// <summary>The node keeps running and serving clients but can no longer reach the controller or its peers.</summary>
    public Task IsolateNodeAsync(int id) => Locked(id, () => SetIsolated(id, true));

    /// <summary>Ends an isolation and a replication pause alike.</summary>
    public Task HealNodeAsync(int id) => Locked(id, async () =>
    {
        if (_nodes[id].Replicas is { } replicas) replicas.ReplicationPaused = false;
        await SetIsolated(id, false);
    });

    /// <summary>
    /// The node keeps running, heartbeating and leading, but its followers stop copying from their
    /// leaders: they fall behind yet stay in the ISR for replica.lag.time.max.ms, the window in which
    /// acks=1 loses what only the leader had. <see cref="HealNodeAsync"/> resumes it.
    /// </summary>
    public Task PauseReplicationAsync(int id) => Locked(id, () =>
    {
        var node = _nodes[id];
        if (!node.IsRunning || node.Replicas is null) throw new InvalidOperationException($"Node {id} is not running");
        node.Replicas.ReplicationPaused = true;
        return Task.CompletedTask;
    });

    private Task SetIsolated(int id, bool isolated)
    {
        var node = _nodes[id];
        if (!node.IsRunning || node.Replicas is null) throw new InvalidOperationException($"Node {id} is not running");
        node.Replicas.Isolated = isolated;
        _controller!.SetIsolated(id, isolated);
        return Task.CompletedTask;
    }

    private async Task Locked(int id, Func<Task> action)
    {
        CheckNode(id);
        await _gate.WaitAsync();
        try { await action(); }
        finally { _gate.Release(); }
    }

    public IReadOnlyList<EmbeddedNodeStatus> Status()
    {
        var image = _controller?.Image;
        return _ports.OrderBy(p => p.Key).Select(p =>
        {
            var node = _nodes[p.Key];
            var registration = image?.Brokers.GetValueOrDefault(p.Key);
            string state = !node.IsRunning ? "stopped"
                : node.Replicas?.Isolated == true ? "isolated"
                : node.Replicas?.ReplicationPaused == true ? "not replicating"
                : registration?.Fenced == true ? "fenced" : "running";
            var partitions = image?.Topics.Values.SelectMany(t => t.Partitions).ToList() ?? [];
            return new EmbeddedNodeStatus(p.Key, Host, p.Value, registration?.Rack, state, ControllerId == p.Key,
                partitions.Count(r => r.Leader == p.Key), partitions.Count(r => r.Replicas.Contains(p.Key)), node.DataDir);
        }).ToList();
    }

    /// <summary>
    /// A partition's leader epoch and each replica's log end as its node has it (-1 for a node that
    /// is down), in replica order; null for an unknown partition. What the dashboard shows as follower lag.
    /// </summary>
    public (int LeaderEpoch, IReadOnlyList<(int Node, long LogEndOffset)> Replicas)? Replication(string topic, int partition)
    {
        long End(int id) => _nodes.TryGetValue(id, out var node) && node.IsRunning ? node.LogEndOffset(topic, partition) : -1;
        if (_controller?.Image.Partition(topic, partition) is { } reg)
            return (reg.LeaderEpoch, reg.Replicas.Select(id => (id, End(id))).ToList());
        if (IsMultiNode || !_nodes.TryGetValue(_options.NodeId, out var single) || single.LogEndOffset(topic, partition) < 0) return null;
        return (Math.Max(0, single.LatestLeaderEpoch(topic, partition)), [(_options.NodeId, End(_options.NodeId))]);
    }

    /// <summary>Stops every node cleanly; concurrent and repeated calls all wait for the same single stop.</summary>
    public ValueTask DisposeAsync()
    {
        lock (_nodes) _stopping ??= StopAllAsync();
        return new ValueTask(_stopping);
    }

    private Task? _stopping;

    private async Task StopAllAsync()
    {
        foreach (var node in _nodes.Values.ToList()) await node.StopAsync();
        _controller?.Dispose();
    }
}

/// <summary>A node of the embedded cluster could not listen: its port is taken.</summary>
public sealed class PortInUseException(string host, int port, int nodeId, Exception inner)
    : IOException($"Node {nodeId} cannot listen on {host}:{port}: the port is in use", inner)
{
    public string Host { get; } = host;
    public int Port { get; } = port;
    public int NodeId { get; } = nodeId;
}
