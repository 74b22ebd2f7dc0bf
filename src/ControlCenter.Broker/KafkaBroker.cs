using ControlCenter.Broker.Config;
using ControlCenter.Broker.Groups;
using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Server;
using ControlCenter.Broker.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ControlCenter.Broker;

/// <summary>
/// The embedded Kafka broker: a single node that is its own controller, speaking the Kafka
/// wire protocol on <see cref="BrokerOptions.Host"/>:<see cref="BrokerOptions.Port"/> and
/// storing partitions in Kafka's segment format under <see cref="BrokerOptions.DataDir"/>.
/// </summary>
public sealed class KafkaBroker : IAsyncDisposable
{
    private readonly BrokerOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private LogManager? _logs;
    private SocketServer? _server;
    private BackgroundTasks? _background;
    private GroupCoordinator? _groups;
    private Transactions.TransactionCoordinator? _transactions;
    private BrokerContext? _context;
    private readonly object _stopLock = new();
    private Task? _stopping;

    private readonly TimeProvider _time;
    private readonly Cluster.QuorumController? _controller;
    private Cluster.ReplicaManager? _replicas;

    /// <summary>A node of a multi-node cluster: it registers with <paramref name="controller"/> and replicates what it assigns.</summary>
    internal KafkaBroker(BrokerOptions options, Cluster.QuorumController controller, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
        : this(options, loggerFactory, time ?? controller.Time) => _controller = controller;

    /// <param name="time">The broker's clock (retention, segment ages, group and session timeouts, long polls); the system clock by default.</param>
    public KafkaBroker(BrokerOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("ControlCenter.Broker");
    }

    public bool IsRunning { get; private set; }
    /// <summary>The port actually bound (useful with port 0).</summary>
    public int Port { get; private set; }
    public string Host { get; private set; } = "";
    public string BootstrapServers => $"{Host}:{Port}";
    public int NodeId => _options.NodeId;
    public string ClusterId => _logs?.ClusterId ?? "";
    public string DataDir => _logs?.DataDir ?? Path.GetFullPath(_options.DataDir);
    /// <summary>True when the previous run ended with a clean shutdown marker.</summary>
    public bool RecoveredFromCleanShutdown => _logs?.HadCleanShutdown ?? false;

    public Task StartAsync(CancellationToken cancellation = default)
    {
        if (IsRunning) throw new InvalidOperationException("The broker is already running");
        var config = new BrokerConfig(_options.Config);
        _logs = new LogManager(_options.DataDir, _options.NodeId, config, _loggerFactory.CreateLogger("ControlCenter.Broker.Log"), _time, _options.MaxOpenFiles,
            _controller?.ClusterId) { HoldsReplicasOnly = _controller is not null, Controller = _controller };
        _logs.LoadAll();
        var context = _context = new BrokerContext(_options, _logs, _loggerFactory);
        if (_controller is not null)
        {
            context.Controller = _controller;
            context.Replicas = _replicas = new Cluster.ReplicaManager(_options.NodeId, _logs, _controller, _loggerFactory);
        }
        _groups = new GroupCoordinator(context, _loggerFactory.CreateLogger("ControlCenter.Broker.Groups"));
        context.Groups = _groups;
        _groups.Load();
        _transactions = new Transactions.TransactionCoordinator(context, _loggerFactory.CreateLogger("ControlCenter.Broker.Transactions"));
        context.Transactions = _transactions;
        _transactions.Load();
        if (_replicas is not null)
        {
            var (groups, transactions) = (_groups, _transactions);
            _replicas.LeadershipChanged = (log, leader) =>
            {
                if (log.Topic == ControlCenter.LogFormat.TopicNames.ConsumerOffsets)
                {
                    if (leader) groups.OnBecomeLeader(log.Partition, log);
                    else groups.OnResign(log.Partition);
                }
                else if (log.Topic == ControlCenter.LogFormat.TopicNames.TransactionState)
                {
                    if (leader) transactions.OnBecomeLeader(log.Partition, log);
                    else transactions.OnResign(log.Partition);
                }
            };
        }

        _server = new SocketServer(context, new ApiRegistry(Protocol.Apis.ApiCatalog.Create()), _loggerFactory.CreateLogger("ControlCenter.Broker.Network"));
        _server.Bind(_options.Host, _options.Port);
        Port = _server.LocalEndPoint.Port;
        Host = _options.AdvertisedHost ?? (_options.Host is "0.0.0.0" or "::" ? "127.0.0.1" : _options.Host);
        context.AdvertisedHost = Host;
        context.AdvertisedPort = _options.AdvertisedPort > 0 ? _options.AdvertisedPort : Port;
        context.BoundPort = Port;
        _background = new BackgroundTasks(_logs, _groups, _loggerFactory.CreateLogger("ControlCenter.Broker.Background"));
        _background.Start();
        _replicas?.Start(context.AdvertisedHost, context.AdvertisedPort, _options.Rack);
        _server.StartAccepting();
        IsRunning = true;
        _logger.LogInformation("Embedded Kafka broker {NodeId} listening on {Endpoint} (advertised {Host}:{Port}), cluster id {ClusterId}, data dir {DataDir}",
            _options.NodeId, _server.LocalEndPoint, Host, Port, _logs.ClusterId, _logs.DataDir);
        return Task.CompletedTask;
    }

    /// <summary>Clean shutdown. Concurrent and repeated calls all wait for the same single stop.</summary>
    public Task StopAsync()
    {
        lock (_stopLock)
        {
            if (_stopping is null && !IsRunning) return Task.CompletedTask;
            return _stopping ??= StopCoreAsync();
        }
    }

    private async Task StopCoreAsync()
    {
        IsRunning = false;
        _controller?.ControlledShutdown(_options.NodeId); // leadership moves away before this node goes
        if (_replicas is not null) await _replicas.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
        if (_background is not null) await _background.DisposeAsync();
        _transactions?.Dispose();
        _groups?.Dispose();
        _logs?.Shutdown();
        _logger.LogInformation("Embedded Kafka broker stopped");
        lock (_stopLock) _stopping = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>
    /// Ends the node as a crash would (cluster nodes only): no controlled shutdown, no
    /// checkpoints, no clean-shutdown marker, so the next start recovers its logs; the
    /// controller learns of it only from the missing heartbeats.
    /// </summary>
    internal async Task KillAsync()
    {
        lock (_stopLock)
        {
            if (!IsRunning || _stopping is not null) return;
            IsRunning = false;
        }
        _controller?.Forget(_options.NodeId);
        if (_replicas is not null) await _replicas.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
        if (_background is not null) await _background.DisposeAsync();
        _transactions?.Dispose();
        _groups?.Dispose();
        _logs?.Abandon();
        _logger.LogWarning("Embedded Kafka broker {NodeId} killed", _options.NodeId);
    }

    /// <summary>This node's replica manager when it is a cluster node (isolation, diagnostics).</summary>
    internal Cluster.ReplicaManager? Replicas => _replicas;

    /// <summary>Client connections open right now (every client gone means 0: a leak check can wait for it).</summary>
    public int ConnectionCount => _server?.ConnectionCount ?? 0;

    /// <summary>Segment and index files open right now (bounded by <see cref="BrokerOptions.MaxOpenFiles"/>).</summary>
    public int OpenFileCount => _logs?.Files.OpenCount ?? 0;

    /// <summary>Requests handled so far, per API key (only keys seen).</summary>
    public IReadOnlyDictionary<ApiKey, long> RequestCounts =>
        _context is null ? new Dictionary<ApiKey, long>()
            : Enumerable.Range(0, _context.RequestCounts.Length).Where(k => Volatile.Read(ref _context.RequestCounts[k]) > 0)
                .ToDictionary(k => (ApiKey)k, k => Volatile.Read(ref _context.RequestCounts[k]));

    /// <summary>Fetch long polls: waiting now, woken by appends, expired (diagnostics and tests).</summary>
    public FetchWaitCounters FetchWaits => _context?.FetchWaits ?? new FetchWaitCounters();

    /// <summary>Runs one retention pass now instead of waiting for the next interval (tests, tools).</summary>
    public int RunRetentionNow() => _logs?.RunRetention() ?? 0;

    /// <summary>Runs the log cleaner now; <paramref name="force"/> ignores min.cleanable.dirty.ratio.</summary>
    public int RunCleanerNow(bool force = false) => _logs?.RunCleaner(force) ?? 0;

    /// <summary>Runs the offsets.retention.minutes check now (it also runs with every checkpoint).</summary>
    public void ExpireGroupOffsetsNow() => _groups?.ExpireOffsets();

    /// <summary>Rolls the active segment of a partition (tests and tools).</summary>
    public void Roll(string topic, int partition) => _logs?.GetLog(topic, partition)?.Roll();

    /// <summary>The log end offset of this node's replica of a partition (-1 when it holds none).</summary>
    public long LogEndOffset(string topic, int partition) => _logs?.GetLog(topic, partition)?.LogEndOffset ?? -1;

    /// <summary>A partition's last stable offset on this node (-1 for an unknown partition): where read_committed readers stop.</summary>
    public long LastStableOffset(string topic, int partition) => _logs?.GetLog(topic, partition)?.LastStableOffset ?? -1;

    /// <summary>The latest leader epoch in this node's replica of a partition (-1 when it holds none).</summary>
    public int LatestLeaderEpoch(string topic, int partition) => _logs?.GetLog(topic, partition)?.LatestEpoch ?? -1;

    /// <summary>The segment files of a partition, oldest first (tests and tools).</summary>
    public IReadOnlyList<(long BaseOffset, long Size)> Segments(string topic, int partition) =>
        _logs?.GetLog(topic, partition)?.Segments.Select(s => (s.BaseOffset, s.Size)).ToList() ?? [];

    /// <summary>Where a partition's files are.</summary>
    public string PartitionDirectory(string topic, int partition) =>
        Path.Combine(DataDir, ControlCenter.LogFormat.Files.LogFileNames.PartitionDirName(topic, partition));
}
