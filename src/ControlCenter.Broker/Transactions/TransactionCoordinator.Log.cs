using ControlCenter.Broker.Config;
using ControlCenter.Broker.Groups;
using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Storage;
using ControlCenter.LogFormat;
using ControlCenter.LogFormat.Records;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Transactions;

/// <summary>
/// __transaction_state: created on first use (compacted, like Kafka's), a transactional id's
/// partition chosen by the same hash as a group's. A single broker coordinates every id; a
/// cluster node coordinates the ids of the partitions it leads and loads them from its replica
/// when it becomes their leader, finishing any transaction its predecessor had decided but not
/// yet marked.
/// </summary>
internal sealed partial class TransactionCoordinator
{
    private static readonly Dictionary<string, string?> StateTopicConfigs = new()
    {
        [TopicConfigs.CleanupPolicy] = "compact",
        [TopicConfigs.SegmentBytes] = "104857600",
    };

    private readonly HashSet<int> _coordinated = new();

    public void EnsureTransactionTopic()
    {
        var logs = _broker.Logs;
        if (logs.GetTopic(TopicNames.TransactionState) is not null) return;
        int nodes = _broker.Replicas?.Image.LiveBrokers.Count() ?? 1;
        try
        {
            logs.CreateTopic(TopicNames.TransactionState, logs.BrokerConfig.GetInt(BrokerConfigKeys.TransactionStateLogNumPartitions),
                (short)Math.Min(logs.BrokerConfig.GetInt(BrokerConfigKeys.TransactionStateLogReplicationFactor), nodes),
                StateTopicConfigs, validateOnly: false, isInternal: true);
        }
        catch (KafkaErrorException e) when (e.Code == ErrorCode.TopicAlreadyExists) { }
    }

    public int PartitionFor(string transactionalId)
    {
        EnsureTransactionTopic();
        return OffsetsTopicRecords.PartitionFor(transactionalId, _broker.Logs.GetTopic(TopicNames.TransactionState)?.Partitions.Length ?? 1);
    }

    /// <summary>None when this node coordinates the id; NOT_COORDINATOR, or COORDINATOR_LOAD_IN_PROGRESS while it is taking the partition over.</summary>
    public ErrorCode CoordinatorError(string transactionalId)
    {
        int partition = PartitionFor(transactionalId);
        if (_broker.Replicas is null) return ErrorCode.None;
        lock (_coordinated) if (_coordinated.Contains(partition)) return ErrorCode.None;
        var published = _broker.Controller?.Image.Partition(TopicNames.TransactionState, partition);
        return published?.Leader == _broker.NodeId && !_broker.Replicas.Isolated ? ErrorCode.CoordinatorLoadInProgress : ErrorCode.NotCoordinator;
    }

    /// <summary>Writes the id's state to its __transaction_state partition and, on a cluster, waits until its in-sync replicas have it.</summary>
    private async Task<ErrorCode> PersistAsync(TransactionMetadata meta, CancellationToken cancellation)
    {
        meta.LastUpdateTimestampMs = NowMs;
        int partition = PartitionFor(meta.TransactionalId);
        if (_broker.Logs.GetLog(TopicNames.TransactionState, partition) is not { IsLeader: true } log) return ErrorCode.NotCoordinator;
        var batch = new RecordBatchBuilder().Add(NowMs, TransactionLogRecords.Key(meta.TransactionalId), TransactionLogRecords.Value(meta.Snapshot())).Build();
        try { log.AppendAsCoordinator(batch, NowMs); }
        catch (KafkaErrorException) { return ErrorCode.NotCoordinator; }
        if (_broker.Replicas is not { } replicas) return ErrorCode.None;
        replicas.OnLeaderAppend(TopicNames.TransactionState, partition);
        var (error, _) = await replicas.WaitForCommitAsync(TopicNames.TransactionState, partition, log, log.LogEndOffset, 5000, cancellation);
        return error switch
        {
            ErrorCode.None or ErrorCode.NotEnoughReplicasAfterAppend => ErrorCode.None,
            ErrorCode.NotLeaderOrFollower => ErrorCode.NotCoordinator,
            _ => ErrorCode.CoordinatorNotAvailable,
        };
    }

    /// <summary>A single broker reads every partition of __transaction_state at start-up.</summary>
    public void Load()
    {
        if (_broker.Replicas is null && _broker.Logs.GetTopic(TopicNames.TransactionState) is { } topic)
            foreach (var log in topic.LocalLogs) Replay(log);
        if (_transactions.Count > 0) _logger.LogInformation("Loaded {Count} transactional ids", _transactions.Count);
        CompleteDecided();
        Start();
    }

    public void OnBecomeLeader(int partition, UnifiedLog log)
    {
        lock (_coordinated)
        {
            Drop(partition);
            Replay(log);
            _coordinated.Add(partition);
        }
        CompleteDecided();
    }

    public void OnResign(int partition)
    {
        lock (_coordinated) if (_coordinated.Remove(partition)) Drop(partition);
    }

    private void Drop(int partition)
    {
        foreach (var id in _transactions.Keys.Where(id => PartitionFor(id) == partition).ToList()) _transactions.TryRemove(id, out _);
    }

    private void Replay(UnifiedLog log)
    {
        foreach (var segment in log.Segments)
        {
            using var cursor = segment.OpenCursor(0, segment.Size, loadBodies: true);
            while (cursor.MoveNext())
            {
                if (cursor.Header.IsControl || cursor.Header.LastOffset < log.LogStartOffset) continue;
                foreach (var record in RecordCodec.ReadRecords(cursor.CurrentBatch))
                {
                    if (record.Key is not { } key || TransactionLogRecords.ReadKey(key) is not { } id) continue;
                    if (record.Value is not { } value) { _transactions.TryRemove(id, out _); continue; }
                    var s = TransactionLogRecords.ReadValue(id, value);
                    var meta = _transactions.GetOrAdd(id, i => new TransactionMetadata(i));
                    meta.ProducerId = s.ProducerId;
                    meta.ProducerEpoch = s.ProducerEpoch;
                    meta.TimeoutMs = s.TimeoutMs;
                    meta.State = s.State;
                    meta.Partitions = new(s.Partitions);
                    meta.StartTimestampMs = s.StartTimestampMs;
                    meta.LastUpdateTimestampMs = s.LastUpdateTimestampMs;
                }
            }
        }
    }

    /// <summary>
    /// Transactions whose outcome was written (PrepareCommit / PrepareAbort) but whose markers may
    /// not all be: the previous coordinator stopped in between. Finish them, in the background.
    /// </summary>
    private void CompleteDecided()
    {
        foreach (var meta in _transactions.Values.Where(m => m.State is TransactionState.PrepareCommit or TransactionState.PrepareAbort).ToList())
            _ = Task.Run(async () =>
            {
                await meta.Gate.WaitAsync(_stopping.Token);
                try
                {
                    if (meta.State is not (TransactionState.PrepareCommit or TransactionState.PrepareAbort)) return;
                    bool commit = meta.State == TransactionState.PrepareCommit;
                    _logger.LogInformation("Completing the {Outcome} of {TransactionalId}'s transaction left by the previous coordinator", commit ? "commit" : "abort", meta.TransactionalId);
                    await _markers.WriteAsync(meta.ProducerId, meta.ProducerEpoch, commit, meta.Partitions.ToList(), _stopping.Token);
                    meta.State = commit ? TransactionState.CompleteCommit : TransactionState.CompleteAbort;
                    await PersistAsync(meta, _stopping.Token);
                }
                catch (OperationCanceledException) { }
                finally { meta.Gate.Release(); }
            });
    }
}
