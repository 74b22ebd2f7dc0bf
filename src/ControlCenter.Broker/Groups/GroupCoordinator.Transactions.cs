using ControlCenter.Broker.Config;
using ControlCenter.Broker.Protocol;
using ControlCenter.LogFormat;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.Broker.Groups;

/// <summary>
/// Offsets committed inside a transaction (TxnOffsetCommit): written to __consumer_offsets as
/// the producer's transactional records, held back as pending until the transaction's marker
/// lands in that partition, then applied (COMMIT) or dropped (ABORT). Replaying the log does the
/// same, so an aborted transaction's offsets never come back after a restart.
/// </summary>
internal sealed partial class GroupCoordinator
{
    /// <summary>Pending transactional offsets per producer id: group, topic, partition → offset.</summary>
    private readonly Dictionary<long, Dictionary<(string Group, string Topic, int Partition), CommittedOffset>> _pendingTxnOffsets = new();

    public int OffsetsPartitionFor(string groupId) => OffsetsPartitionOf(groupId);

    /// <summary>TxnOffsetCommit: validated like OffsetCommit (generation and member when given), visible only once the transaction commits.</summary>
    public List<(string Topic, int Partition, ErrorCode Error)> TxnCommitOffsets(string groupId, long producerId, short producerEpoch,
        int generation, string memberId, string? instanceId, List<OffsetCommitEntry> entries)
    {
        if (string.IsNullOrEmpty(groupId)) return entries.Select(e => (e.Topic, e.Partition, ErrorCode.InvalidGroupId)).ToList();
        EnsureOffsetsTopic();
        if (CoordinatorError(groupId) is var notHere and not ErrorCode.None) return entries.Select(e => (e.Topic, e.Partition, notHere)).ToList();
        var group = _groups.GetOrAdd(groupId, id => new ClassicGroup(id, NowMs));
        lock (group)
        {
            if (generation >= 0 || memberId.Length > 0)
            {
                var groupError = group.Consumer is { } consumers ? ValidateConsumerCommit(consumers, generation, memberId)
                    : ValidateCommit(group, generation, memberId, instanceId);
                if (groupError != ErrorCode.None) return entries.Select(e => (e.Topic, e.Partition, groupError)).ToList();
            }
            int maxMetadata = Config.GetInt(BrokerConfigKeys.OffsetMetadataMaxBytes);
            long now = NowMs;
            var results = new List<(string, int, ErrorCode)>();
            var accepted = new List<(OffsetCommitEntry Entry, CommittedOffset Value)>();
            foreach (var e in entries)
            {
                var error = (e.Metadata?.Length ?? 0) > maxMetadata ? ErrorCode.OffsetMetadataTooLarge
                    : _broker.Logs.GetTopic(e.Topic) is not { } t || e.Partition < 0 || e.Partition >= t.Partitions.Length ? ErrorCode.UnknownTopicOrPartition
                    : ErrorCode.None;
                results.Add((e.Topic, e.Partition, error));
                if (error == ErrorCode.None) accepted.Add((e, new CommittedOffset(e.Offset, e.LeaderEpoch, e.Metadata ?? "", now)));
            }
            if (accepted.Count == 0) return results;
            var builder = new RecordBatchBuilder { ProducerId = producerId, ProducerEpoch = producerEpoch, IsTransactional = true };
            foreach (var (e, value) in accepted)
                builder.Add(now, OffsetsTopicRecords.OffsetCommitKey(groupId, e.Topic, e.Partition), OffsetsTopicRecords.OffsetCommitValue(value));
            Append(groupId, builder);
            lock (_pendingTxnOffsets)
            {
                if (!_pendingTxnOffsets.TryGetValue(producerId, out var pending)) _pendingTxnOffsets[producerId] = pending = new();
                foreach (var (e, value) in accepted) pending[(groupId, e.Topic, e.Partition)] = value;
            }
            return results;
        }
    }

    /// <summary>A marker for <paramref name="producerId"/> landed in offsets partition <paramref name="partition"/>: its pending offsets there are applied or dropped.</summary>
    public void CompleteTransactionalOffsets(int partition, long producerId, bool commit)
    {
        List<KeyValuePair<(string Group, string Topic, int Partition), CommittedOffset>> settled;
        lock (_pendingTxnOffsets)
        {
            if (!_pendingTxnOffsets.TryGetValue(producerId, out var pending)) return;
            settled = pending.Where(p => OffsetsPartitionOf(p.Key.Group) == partition).ToList();
            foreach (var s in settled) pending.Remove(s.Key);
            if (pending.Count == 0) _pendingTxnOffsets.Remove(producerId);
        }
        if (!commit) return;
        foreach (var byGroup in settled.GroupBy(s => s.Key.Group))
        {
            var group = _groups.GetOrAdd(byGroup.Key, id => new ClassicGroup(id, NowMs));
            lock (group) foreach (var s in byGroup) group.Offsets[(s.Key.Topic, s.Key.Partition)] = s.Value;
        }
    }

    /// <summary>Whether a transaction still holds an offset of this group's partition (OffsetFetch with RequireStable answers UNSTABLE_OFFSET_COMMIT).</summary>
    public bool HasPendingTransactionalOffset(string groupId, string topic, int partition)
    {
        lock (_pendingTxnOffsets) return _pendingTxnOffsets.Values.Any(p => p.ContainsKey((groupId, topic, partition)));
    }

    /// <summary>
    /// Replay of a transactional offset batch or a marker: the batch's offsets wait as pending
    /// until the marker; returns how many offsets a COMMIT applied.
    /// </summary>
    private int ReplayTransactional(in RecordBatchHeader header, ReadOnlySpan<byte> batch, int partition)
    {
        if (header.IsControl)
        {
            bool commit = ControlRecord.ReadType(batch) == ControlRecordType.Commit;
            int count;
            lock (_pendingTxnOffsets) count = _pendingTxnOffsets.GetValueOrDefault(header.ProducerId)?.Count ?? 0;
            CompleteTransactionalOffsets(partition, header.ProducerId, commit);
            return commit ? count : 0;
        }
        foreach (var record in RecordCodec.ReadRecords(batch))
        {
            if (record.Key is not { } key || OffsetsTopicRecords.ReadKey(key) is not OffsetsTopicRecords.OffsetKey k || record.Value is not { } value) continue;
            lock (_pendingTxnOffsets)
            {
                if (!_pendingTxnOffsets.TryGetValue(header.ProducerId, out var pending)) _pendingTxnOffsets[header.ProducerId] = pending = new();
                pending[(k.Group, k.Topic, k.Partition)] = OffsetsTopicRecords.ReadOffsetCommitValue(value);
            }
        }
        return 0;
    }
}
