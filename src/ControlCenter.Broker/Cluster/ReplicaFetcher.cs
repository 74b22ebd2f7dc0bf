using ControlCenter.Broker.Config;
using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.Broker.Storage;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Cluster;

/// <summary>
/// A follower's fetcher for every partition it follows on one leader (Kafka's
/// ReplicaFetcherThread), over the wire: OffsetForLeaderEpoch first after every leader change
/// (truncating what the leader does not have), then Fetch with this node's replica id from the
/// log end, appending what comes back with the leader's offsets and taking its high watermark.
/// </summary>
internal sealed class ReplicaFetcher : IAsyncDisposable
{
    private const short FetchVersion = 12, OffsetForLeaderEpochVersion = 4;
    private sealed class FetchState(int leaderEpoch) { public int LeaderEpoch = leaderEpoch; public bool Truncating = true; }

    private readonly object _lock = new();
    private readonly Dictionary<(string Topic, int Partition), FetchState> _partitions = new();
    private readonly ReplicaManager _replicas;
    private readonly LogManager _logs;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ReplicaFetcher(ReplicaManager replicas, LogManager logs, BrokerRegistration leader, ILogger logger)
    {
        _replicas = replicas;
        _logs = logs;
        Leader = leader;
        _logger = logger;
        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    public BrokerRegistration Leader { get; }
    public int PartitionCount { get { lock (_lock) return _partitions.Count; } }

    public bool Has((string, int) key) { lock (_lock) return _partitions.ContainsKey(key); }

    public List<(string, int)> Keys { get { lock (_lock) return _partitions.Keys.ToList(); } }

    public void Add((string, int) key, int leaderEpoch)
    {
        lock (_lock) _partitions[key] = new FetchState(leaderEpoch);
        _changed.TrySetResult();
    }

    public bool Remove((string, int) key) { lock (_lock) return _partitions.Remove(key); }

    private async Task RunAsync(CancellationToken stopping)
    {
        NodeClient? client = null;
        int backoffMs = _logs.BrokerConfig.GetInt(BrokerConfigKeys.ReplicaFetchWaitMaxMs) / 5 + 20;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                List<KeyValuePair<(string Topic, int Partition), FetchState>> work;
                lock (_lock) work = _partitions.ToList();
                if (work.Count == 0 || !_replicas.Fetching)
                {
                    client?.Dispose();
                    client = null;
                    var changed = _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    await changed.Task.WaitAsync(TimeSpan.FromMilliseconds(100), stopping).ContinueWith(_ => { }, TaskScheduler.Default);
                    continue;
                }
                client ??= await NodeClient.ConnectAsync(Leader.Host, Leader.Port, $"broker-{_replicas.NodeId}-fetcher", stopping);
                var truncating = work.Where(w => w.Value.Truncating).ToList();
                if (truncating.Count > 0) await TruncateAsync(client, truncating, stopping);
                var ready = work.Where(w => !w.Value.Truncating).ToList();
                if (ready.Count > 0) await FetchAsync(client, ready, stopping);
                else await Task.Delay(backoffMs, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                // The leader went away or answered something unreadable: reconnect after a pause; metadata will name a new leader if there is one.
                _logger.LogDebug("Node {Node} fetching from node {Leader}: {Error}", _replicas.NodeId, Leader.Id, e.Message);
                client?.Dispose();
                client = null;
                try { await Task.Delay(backoffMs, stopping); } catch (OperationCanceledException) { break; }
            }
        }
        client?.Dispose();
    }

    private async Task TruncateAsync(NodeClient client, List<KeyValuePair<(string Topic, int Partition), FetchState>> work, CancellationToken stopping)
    {
        var request = new StructValue
        {
            ["ReplicaId"] = _replicas.NodeId,
            ["Topics"] = StructValue.List(work.GroupBy(w => w.Key.Topic).Select(g => new StructValue
            {
                ["Topic"] = g.Key,
                ["Partitions"] = StructValue.List(g.Select(w => new StructValue
                {
                    ["Partition"] = w.Key.Partition, ["CurrentLeaderEpoch"] = w.Value.LeaderEpoch,
                    ["LeaderEpoch"] = _logs.GetLog(w.Key.Topic, w.Key.Partition)?.LatestEpoch ?? -1,
                })),
            })),
        };
        var response = await client.SendAsync(ApiKey.OffsetForLeaderEpoch, OffsetForLeaderEpochVersion, request, stopping);
        if (!_replicas.Fetching) return;
        foreach (var topic in response.Structs("Topics") ?? [])
            foreach (var p in topic.Structs("Partitions") ?? [])
            {
                var key = (topic.String("Topic") ?? "", p.Int32("Partition"));
                var log = _logs.GetLog(key.Item1, key.Item2);
                FetchState? state;
                lock (_lock) state = _partitions.GetValueOrDefault(key);
                if (log is null || state is null || (ErrorCode)p.Int16("ErrorCode") != ErrorCode.None) continue;
                int requested = log.LatestEpoch, leaderEpoch = p.Int32("LeaderEpoch");
                long leaderEnd = p.Int64("EndOffset"), target;
                if (requested < 0 || leaderEnd < 0) target = Math.Min(log.HighWatermark, log.LogEndOffset); // nothing to compare: keep what was committed
                else
                {
                    target = leaderEnd;
                    if (leaderEpoch != requested && leaderEpoch >= 0) target = Math.Min(target, log.EndOffsetForEpoch(leaderEpoch).EndOffset);
                }
                if (target < log.LogEndOffset)
                {
                    _logger.LogInformation("Node {Node}: {Topic}-{Partition} truncates from {End} to {Target} (leader {Leader}, epoch {Epoch})",
                        _replicas.NodeId, key.Item1, key.Item2, log.LogEndOffset, target, Leader.Id, state.LeaderEpoch);
                    log.TruncateTo(target);
                }
                lock (_lock) state.Truncating = false;
            }
    }

    private async Task FetchAsync(NodeClient client, List<KeyValuePair<(string Topic, int Partition), FetchState>> work, CancellationToken stopping)
    {
        var config = _logs.BrokerConfig;
        // follower.replication.throttled.*: throttled replicas sit this fetch out while the quota is spent.
        var throttled = work.Where(w => _replicas.IsThrottled(w.Key.Topic, w.Key.Partition, _replicas.NodeId, leaderSide: false)).Select(w => w.Key).ToHashSet();
        if (throttled.Count > 0 && _replicas.FollowerQuota.IsExceeded())
        {
            work = work.Where(w => !throttled.Contains(w.Key)).ToList();
            if (work.Count == 0)
            {
                await Task.Delay(50, stopping);
                return;
            }
        }
        var request = new StructValue
        {
            ["ReplicaId"] = _replicas.NodeId,
            ["MaxWaitMs"] = config.GetInt(BrokerConfigKeys.ReplicaFetchWaitMaxMs),
            ["MinBytes"] = 1,
            ["MaxBytes"] = 10 * 1024 * 1024,
            ["IsolationLevel"] = (sbyte)0,
            ["SessionId"] = 0,
            ["SessionEpoch"] = -1,
            ["Topics"] = StructValue.List(work.GroupBy(w => w.Key.Topic).Select(g => new StructValue
            {
                ["Topic"] = g.Key,
                ["Partitions"] = StructValue.List(g.Select(w =>
                {
                    var log = _logs.GetLog(w.Key.Topic, w.Key.Partition);
                    return new StructValue
                    {
                        ["Partition"] = w.Key.Partition, ["CurrentLeaderEpoch"] = w.Value.LeaderEpoch,
                        ["FetchOffset"] = log?.LogEndOffset ?? 0, ["LastFetchedEpoch"] = log?.LatestEpoch ?? -1,
                        ["LogStartOffset"] = log?.LogStartOffset ?? 0, ["PartitionMaxBytes"] = config.GetInt(BrokerConfigKeys.ReplicaFetchMaxBytes),
                    };
                })),
            })),
            ["ForgottenTopicsData"] = new List<object?>(),
            ["RackId"] = "",
        };
        var response = await client.SendAsync(ApiKey.Fetch, FetchVersion, request, stopping);
        if (!_replicas.Fetching) return; // cut off while the fetch was on its way: nothing of it arrives
        if ((ErrorCode)response.Int16("ErrorCode") != ErrorCode.None) throw new InvalidOperationException($"Fetch failed: {(ErrorCode)response.Int16("ErrorCode")}");
        long now = _logs.NowMs;
        foreach (var topic in response.Structs("Responses") ?? [])
            foreach (var p in topic.Structs("Partitions") ?? [])
            {
                var key = (topic.String("Topic") ?? "", p.Int32("PartitionIndex"));
                var log = _logs.GetLog(key.Item1, key.Item2);
                FetchState? state;
                lock (_lock) state = _partitions.GetValueOrDefault(key);
                if (log is null || state is null) continue;
                switch ((ErrorCode)p.Int16("ErrorCode"))
                {
                    case ErrorCode.None:
                        var records = p.Records("Records");
                        if (records is { Length: > 0 } && !log.AppendAsFollower(records.Value.Span, now))
                        {
                            // The leader's batches do not start where this log ends: the logs diverged. Ask again where to truncate.
                            _logger.LogWarning("Node {Node}: {Topic}-{Partition} got records not starting at its log end {End}; checking for divergence",
                                _replicas.NodeId, key.Item1, key.Item2, log.LogEndOffset);
                            lock (_lock) state.Truncating = true;
                            break;
                        }
                        if (throttled.Contains(key)) _replicas.FollowerQuota.Record(records?.Length ?? 0);
                        log.UpdateHighWatermark(Math.Min(p.Int64("HighWatermark"), log.LogEndOffset));
                        break;
                    case ErrorCode.OffsetOutOfRange when p.Int64("LogStartOffset") > log.LogEndOffset:
                        log.TruncateFullyAndStartAt(p.Int64("LogStartOffset"));
                        break;
                    case ErrorCode.OffsetOutOfRange or ErrorCode.FencedLeaderEpoch:
                        lock (_lock) state.Truncating = true;
                        break;
                    default:
                        break; // not the leader (yet), unknown epoch: the next image settles it
                }
            }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        await _loop;
        _stopping.Dispose();
    }
}
