using System.Collections.Concurrent;
using ControlCenter.Broker.Config;
using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Storage;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Cluster;

/// <summary>
/// One node's replicas in a multi-node cluster (Kafka's ReplicaManager): applies each
/// metadata image (creating and removing local logs, becoming leader or follower at the
/// published epoch), runs the follower fetchers, keeps each led partition's followers and
/// ISR, moves the high watermark, and answers acks=all producers once the ISR has their
/// records. It also heartbeats to the controller and shrinks ISRs of lagging followers.
/// </summary>
internal sealed class ReplicaManager : IMetadataListener, IAsyncDisposable
{
    private readonly object _applyLock = new();
    private readonly ConcurrentDictionary<(string Topic, int Partition), PartitionLeaderState> _leading = new();
    private readonly LogManager _logs;
    private readonly QuorumController _controller;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private ClusterImage _image = ClusterImage.Empty;
    private Task _loop = Task.CompletedTask;

    public ReplicaManager(int nodeId, LogManager logs, QuorumController controller, ILoggerFactory loggers)
    {
        NodeId = nodeId;
        _logs = logs;
        _controller = controller;
        _logger = loggers.CreateLogger("ControlCenter.Broker.Replication");
        Fetchers = new ReplicaFetcherManager(this, logs, loggers.CreateLogger("ControlCenter.Broker.ReplicaFetcher"));
        LeaderQuota = new ReplicationQuota(() => logs.BrokerConfig.GetLong(BrokerConfigKeys.LeaderReplicationThrottledRate), logs.Time);
        FollowerQuota = new ReplicationQuota(() => logs.BrokerConfig.GetLong(BrokerConfigKeys.FollowerReplicationThrottledRate), logs.Time);
    }

    /// <summary>leader.replication.throttled.rate: what this node sends to throttled followers outside the ISR.</summary>
    public ReplicationQuota LeaderQuota { get; }
    /// <summary>follower.replication.throttled.rate: what this node fetches for its throttled replicas while outside the ISR.</summary>
    public ReplicationQuota FollowerQuota { get; }

    /// <summary>
    /// Whether the copy of <paramref name="topic"/>-<paramref name="partition"/> to <paramref name="follower"/>
    /// is throttled on this node's side: the topic's throttled-replicas config names the partition on this
    /// node (leader side: the sender; follower side: the receiver) and the follower is not in sync. Replicas
    /// in the ISR are never throttled, so a throttle cannot hold back acks=all writes.
    /// </summary>
    public bool IsThrottled(string topic, int partition, int follower, bool leaderSide)
    {
        var quota = leaderSide ? LeaderQuota : FollowerQuota;
        if (quota.IsUnlimited || _logs.GetTopic(topic) is not { } state) return false;
        string key = leaderSide ? TopicConfigs.LeaderReplicationThrottledReplicas : TopicConfigs.FollowerReplicationThrottledReplicas;
        return ReplicationQuota.Names(state.Configs.GetValueOrDefault(key), partition, NodeId)
               && Image.Partition(topic, partition) is { } reg && !reg.Isr.Contains(follower);
    }

    public int NodeId { get; }
    public QuorumController Controller => _controller;
    public ReplicaFetcherManager Fetchers { get; }
    /// <summary>The last metadata this node applied (an isolated node keeps an old one, as a partitioned broker would).</summary>
    public ClusterImage Image => Volatile.Read(ref _image);
    private long NowMs => _logs.NowMs;
    private long LagTimeMaxMs => _logs.BrokerConfig.GetLong(BrokerConfigKeys.ReplicaLagTimeMaxMs);

    /// <summary>Told when this node starts or stops leading a partition (the group coordinator follows __consumer_offsets' leaders).</summary>
    public Action<UnifiedLog, bool>? LeadershipChanged { get; set; }

    /// <summary>Cut off from the quorum and the peers: no heartbeats, no replication, peers' fetches refused.</summary>
    public bool Isolated { get; set; }

    /// <summary>
    /// Still heartbeating and serving, but its followers stop fetching: the lab's "followers fall
    /// behind" (they stay in the ISR until replica.lag.time.max.ms, as a slow follower would).
    /// </summary>
    public bool ReplicationPaused { get; set; }

    /// <summary>Whether this node's followers copy from their leaders right now.</summary>
    internal bool Fetching => !Isolated && !ReplicationPaused;

    public void Start(string host, int port, string? rack)
    {
        _controller.Register(this, host, port, rack);
        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    // ------------------------------------------------------------------ metadata

    public void Apply(ClusterImage image)
    {
        lock (_applyLock)
        {
            if (image.Version <= _image.Version) return;
            // A partition moved away from this node loses its log in ApplyImage: keep hold of what it led to say it resigned.
            var led = _leading.Keys.ToDictionary(k => k, k => _logs.GetLog(k.Topic, k.Partition));
            _logs.ApplyImage(image);
            _logs.BrokerConfig.ApplyDynamic(image.BrokerConfigsOf(NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture)), image.BrokerConfigsOf(""));
            var local = new HashSet<(string, int)>();
            foreach (var topic in image.Topics.Values)
                for (int p = 0; p < topic.Partitions.Length; p++)
                {
                    var reg = topic.Partitions[p];
                    if (_logs.GetLog(topic.Name, p) is not { } log) continue;
                    var key = (topic.Name, p);
                    local.Add(key);
                    if (reg.Leader == NodeId) BecomeLeader(key, log, reg);
                    else BecomeFollower(key, log, reg, image);
                }
            foreach (var key in _leading.Keys.Where(k => !local.Contains(k)).ToList())
                if (_leading.TryRemove(key, out _) && (_logs.GetLog(key.Topic, key.Partition) ?? led.GetValueOrDefault(key)) is { } gone) LeadershipChanged?.Invoke(gone, false);
            Fetchers.RemoveAllExcept(local);
            Volatile.Write(ref _image, image);
        }
        foreach (var state in _leading.Values) MaybeAdvanceHighWatermark(state);
    }

    private void BecomeLeader((string Topic, int Partition) key, UnifiedLog log, PartitionRegistration reg)
    {
        Fetchers.Remove(key);
        if (log.IsReplicated && log.IsLeader && log.LeaderEpoch == reg.LeaderEpoch && _leading.TryGetValue(key, out var state))
        {
            lock (state.Sync)
            {
                state.Update(reg, NowMs);
                state.IsrChangePending = false;
            }
            return;
        }
        log.BecomeLeader(reg.LeaderEpoch);
        _leading[key] = new PartitionLeaderState(key.Topic, key.Partition, reg, NowMs);
        LeadershipChanged?.Invoke(log, true);
        _logger.LogInformation("Node {Node} leads {Topic}-{Partition} at epoch {Epoch}", NodeId, key.Topic, key.Partition, reg.LeaderEpoch);
    }

    private void BecomeFollower((string Topic, int Partition) key, UnifiedLog log, PartitionRegistration reg, ClusterImage image)
    {
        if (_leading.TryRemove(key, out _)) LeadershipChanged?.Invoke(log, false);
        if (log.IsReplicated && !log.IsLeader && log.LeaderEpoch == reg.LeaderEpoch && Fetchers.Has(key, reg.Leader)) return;
        log.BecomeFollower(reg.LeaderEpoch);
        if (reg.Leader >= 0 && image.Brokers.TryGetValue(reg.Leader, out var leader)) Fetchers.Add(key, leader, reg.LeaderEpoch);
        else Fetchers.Remove(key);
    }

    // ------------------------------------------------------------------ leader side

    /// <summary>The partition's registration if this node leads it, for Produce, Fetch and ListOffsets.</summary>
    public PartitionLeaderState? Leading(string topic, int partition) => _leading.GetValueOrDefault((topic, partition));

    /// <summary>Checks that this node may take an acks=<paramref name="acks"/> write now (min.insync.replicas for acks=all).</summary>
    public (ErrorCode Error, string? Message) CheckProduce(string topic, int partition, short acks, LogConfig config)
    {
        if (Leading(topic, partition) is not { } state)
            return (ErrorCode.NotLeaderOrFollower, $"Node {NodeId} is not the leader of {topic}-{partition}");
        int isr = state.Registration.Isr.Length;
        if (acks == -1 && isr < config.MinInSyncReplicas)
            return (ErrorCode.NotEnoughReplicas, $"The in-sync replicas of {topic}-{partition} are {isr}, below min.insync.replicas={config.MinInSyncReplicas}");
        return (ErrorCode.None, null);
    }

    /// <summary>
    /// acks=all: waits until the high watermark passes <paramref name="endOffset"/> (every
    /// in-sync replica has the records), the leadership is lost, or the timeout runs out.
    /// </summary>
    public async Task<(ErrorCode Error, string? Message)> WaitForCommitAsync(string topic, int partition, UnifiedLog log, long endOffset, int timeoutMs, CancellationToken cancellation)
    {
        long deadline = Environment.TickCount64 + Math.Max(0, timeoutMs);
        while (true)
        {
            var signal = log.WaitForAppendAsync();
            var state = Leading(topic, partition);
            if (state is null || !log.IsLeader)
                return (ErrorCode.NotLeaderOrFollower, $"Leadership of {topic}-{partition} moved before the in-sync replicas had the records");
            if (log.HighWatermark >= endOffset)
            {
                int isr = state.Registration.Isr.Length;
                return isr < log.Config.MinInSyncReplicas
                    ? (ErrorCode.NotEnoughReplicasAfterAppend, $"Written, but the ISR of {topic}-{partition} shrank to {isr}, below min.insync.replicas={log.Config.MinInSyncReplicas}")
                    : (ErrorCode.None, null);
            }
            long remaining = deadline - Environment.TickCount64;
            if (remaining <= 0) return (ErrorCode.RequestTimedOut, $"The in-sync replicas of {topic}-{partition} did not confirm within {timeoutMs} ms");
            try { await signal.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(remaining, 100)), cancellation); }
            catch (TimeoutException) { }
        }
    }

    /// <summary>
    /// A follower fetched from <paramref name="fetchOffset"/>: everything before it is on the
    /// follower. Updates its progress, brings it back into the ISR once it has caught up to the
    /// high watermark, and moves the high watermark.
    /// </summary>
    public ErrorCode RecordFollowerFetch(string topic, int partition, int replicaId, int currentLeaderEpoch, long fetchOffset)
    {
        if (Leading(topic, partition) is not { } state || _logs.GetLog(topic, partition) is not { } log) return ErrorCode.NotLeaderOrFollower;
        int[]? expandTo = null;
        lock (state.Sync)
        {
            var reg = state.Registration;
            if (currentLeaderEpoch >= 0 && currentLeaderEpoch < reg.LeaderEpoch) return ErrorCode.FencedLeaderEpoch;
            if (currentLeaderEpoch > reg.LeaderEpoch) return ErrorCode.UnknownLeaderEpoch;
            if (!state.Followers.TryGetValue(replicaId, out var follower)) return ErrorCode.NotLeaderOrFollower;
            long now = NowMs, leaderEnd = log.LogEndOffset;
            if (fetchOffset >= leaderEnd) follower.LastCaughtUpMs = now;
            else if (follower.LeaderEndAtLastFetch >= 0 && fetchOffset >= follower.LeaderEndAtLastFetch) follower.LastCaughtUpMs = follower.LastFetchMs;
            follower.LeaderEndAtLastFetch = leaderEnd;
            follower.LastFetchMs = now;
            follower.LogEndOffset = fetchOffset;
            if (!reg.Isr.Contains(replicaId) && !state.IsrChangePending && fetchOffset >= log.HighWatermark
                && fetchOffset >= EpochStart(log, reg.LeaderEpoch))
            {
                expandTo = reg.Isr.Append(replicaId).ToArray();
                state.IsrChangePending = true;
            }
        }
        if (expandTo is not null) ChangeIsr(state, expandTo);
        MaybeAdvanceHighWatermark(state);
        return ErrorCode.None;
    }

    private static long EpochStart(UnifiedLog log, int epoch) =>
        log.EpochEntries.LastOrDefault(e => e.Epoch == epoch) is { } entry && entry != default ? entry.StartOffset : 0;

    private void MaybeAdvanceHighWatermark(PartitionLeaderState state)
    {
        if (_logs.GetLog(state.Topic, state.Partition) is not { IsLeader: true } log) return;
        long committed;
        lock (state.Sync) committed = state.CommittedEnd(log.LogEndOffset);
        if (committed > log.HighWatermark) log.UpdateHighWatermark(committed);
    }

    /// <summary>After a leader append: a partition whose ISR is the leader alone commits at once.</summary>
    public void OnLeaderAppend(string topic, int partition)
    {
        if (Leading(topic, partition) is { } state) MaybeAdvanceHighWatermark(state);
    }

    /// <summary>Asks the controller for a new ISR (never while holding a partition's lock: the answer is published back synchronously).</summary>
    private void ChangeIsr(PartitionLeaderState state, int[] isr)
    {
        PartitionRegistration reg;
        lock (state.Sync) reg = state.Registration;
        var error = _controller.AlterPartition(NodeId, state.Topic, state.Partition, reg.LeaderEpoch, reg.PartitionEpoch, isr);
        if (error != ErrorCode.None)
            _logger.LogDebug("ISR change of {Topic}-{Partition} to [{Isr}] refused: {Error}", state.Topic, state.Partition, string.Join(",", isr), error);
        lock (state.Sync) state.IsrChangePending = false;
    }

    /// <summary>Followers in the ISR that have not caught up for replica.lag.time.max.ms leave it.</summary>
    private void ShrinkIsrs()
    {
        long now = NowMs, lagMax = LagTimeMaxMs;
        foreach (var state in _leading.Values)
        {
            int[]? shrinkTo = null;
            lock (state.Sync)
            {
                var reg = state.Registration;
                if (state.IsrChangePending) continue;
                var lagging = reg.Isr.Where(id => id != NodeId && state.Followers.TryGetValue(id, out var f) && now - f.LastCaughtUpMs > lagMax).ToList();
                if (lagging.Count == 0) continue;
                shrinkTo = reg.Isr.Except(lagging).ToArray();
                state.IsrChangePending = true;
            }
            _logger.LogInformation("Node {Node}: {Topic}-{Partition} shrinks its ISR to [{Isr}] (followers behind for over {Lag} ms)",
                NodeId, state.Topic, state.Partition, string.Join(",", shrinkTo), lagMax);
            ChangeIsr(state, shrinkTo);
            MaybeAdvanceHighWatermark(state);
        }
    }

    // ------------------------------------------------------------------ heartbeats

    private async Task RunAsync(CancellationToken stopping)
    {
        long heartbeatEvery = _controller.HeartbeatIntervalMs, nextHeartbeat = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(Math.Min(heartbeatEvery, LagTimeMaxMs / 4), 20, 250)), _logs.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    long now = NowMs;
                    if (!Isolated && now >= nextHeartbeat)
                    {
                        _controller.Heartbeat(NodeId);
                        nextHeartbeat = now + heartbeatEvery;
                    }
                    if (!Isolated) ShrinkIsrs();
                }
                catch (Exception e) { _logger.LogError(e, "Node {Node}: replica housekeeping failed", NodeId); }
            }
        }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        await _loop;
        await Fetchers.DisposeAsync();
        _stopping.Dispose();
    }
}
