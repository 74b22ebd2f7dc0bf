using ControlCenter.Broker.Config;
using ControlCenter.Broker.Metadata;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Storage;
using ControlCenter.LogFormat.Files;
using ControlCenter.LogFormat.Records;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Groups;

/// <summary>One partition's commit in an OffsetCommit request.</summary>
internal readonly record struct OffsetCommitEntry(string Topic, int Partition, long Offset, int LeaderEpoch, string? Metadata);

internal sealed partial class GroupCoordinator
{
    private static readonly Dictionary<string, string?> OffsetsTopicConfigs = new()
    {
        [TopicConfigs.CleanupPolicy] = "compact",
        [TopicConfigs.SegmentBytes] = "104857600",
        [TopicConfigs.CompressionType] = "producer",
    };

    /// <summary>Creates __consumer_offsets on first use, as Kafka does when the first coordinator lookup arrives.</summary>
    public void EnsureOffsetsTopic()
    {
        var logs = _broker.Logs;
        if (logs.GetTopic(TopicNames.ConsumerOffsets) is not null) return;
        try
        {
            logs.CreateTopic(TopicNames.ConsumerOffsets, Config.GetInt(BrokerConfigKeys.OffsetsTopicNumPartitions),
                (short)Math.Min(Config.GetInt(BrokerConfigKeys.OffsetsTopicReplicationFactor), LiveNodes()),
                OffsetsTopicConfigs, validateOnly: false, isInternal: true);
        }
        catch (KafkaErrorException e) when (e.Code == ErrorCode.TopicAlreadyExists) { }
    }

    /// <summary>Nodes that can hold a replica now (1 for a single broker): a smaller cluster still gets its offsets topic, as in Kafka's dev setups.</summary>
    private int LiveNodes() => _broker.Replicas?.Image.LiveBrokers.Count() ?? 1;

    private UnifiedLog OffsetsLog(string groupId)
    {
        EnsureOffsetsTopic();
        var topic = _broker.Logs.GetTopic(TopicNames.ConsumerOffsets)!;
        var log = topic.Partitions[OffsetsTopicRecords.PartitionFor(groupId, topic.Partitions.Length)];
        return log is { IsLeader: true } ? log
            : throw new KafkaErrorException(ErrorCode.NotCoordinator, $"This node does not lead the offsets partition of group {groupId}");
    }

    private void Append(string groupId, RecordBatchBuilder builder)
    {
        var log = OffsetsLog(groupId);
        log.AppendAsCoordinator(builder.Build(), NowMs);
        _broker.Replicas?.OnLeaderAppend(log.Topic, log.Partition);
    }

    /// <summary>
    /// In a cluster an offset commit is answered once every in-sync replica of the group's
    /// offsets partition has it, so a coordinator failover never loses an acknowledged commit.
    /// </summary>
    public async Task<ErrorCode> WaitForReplicationAsync(string groupId, CancellationToken cancellation)
    {
        if (_broker.Replicas is not { } replicas) return ErrorCode.None;
        int p = OffsetsPartitionOf(groupId);
        if (p < 0 || _broker.Logs.GetLog(TopicNames.ConsumerOffsets, p) is not { } log) return ErrorCode.None;
        var (error, _) = await replicas.WaitForCommitAsync(TopicNames.ConsumerOffsets, p, log, log.LogEndOffset, 5000, cancellation);
        return error switch
        {
            ErrorCode.None or ErrorCode.NotEnoughReplicasAfterAppend => ErrorCode.None,
            ErrorCode.NotLeaderOrFollower => ErrorCode.NotCoordinator,
            _ => error,
        };
    }

    /// <summary>
    /// Rebuilds groups and offsets by replaying __consumer_offsets. Groups come back Empty with
    /// their generation and offsets; members find out on their next heartbeat and rejoin.
    /// </summary>
    public void Load()
    {
        var topic = _broker.Logs.GetTopic(TopicNames.ConsumerOffsets);
        int offsets = 0;
        // A cluster node loads the groups of a partition when it becomes its leader (GroupCoordinator.Cluster.cs).
        if (topic is not null && _broker.Replicas is null)
            foreach (var log in topic.LocalLogs) offsets += ReplayLog(log);
        foreach (var empty in _groups.Values.Where(g => g.Offsets.Count == 0 && g.ProtocolType is null && g.GenerationId == 0).ToList())
            _groups.TryRemove(empty.GroupId, out _);
        _logger.LogInformation("Loaded {Groups} consumer groups and {Offsets} committed offsets", _groups.Count, offsets);
        Start();
    }

    /// <summary>Replays one __consumer_offsets partition into the groups; returns the offsets it holds.</summary>
    private int ReplayLog(UnifiedLog log)
    {
        int offsets = 0;
        foreach (var segment in log.Segments)
        {
            using var cursor = segment.OpenCursor(0, segment.Size, loadBodies: true);
            while (cursor.MoveNext())
            {
                if (cursor.Header.LastOffset < log.LogStartOffset) continue;
                if (cursor.Header.IsTransactional) { offsets += ReplayTransactional(cursor.Header, cursor.CurrentBatch, log.Partition); continue; }
                if (cursor.Header.IsControl) continue;
                foreach (var record in RecordCodec.ReadRecords(cursor.CurrentBatch))
                    if (record.Key is { } key && Replay(key, record.Value)) offsets++;
            }
        }
        return offsets;
    }

    private bool Replay(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte>? value)
    {
        switch (OffsetsTopicRecords.ReadKey(key))
        {
            case OffsetsTopicRecords.OffsetKey k:
            {
                var group = _groups.GetOrAdd(k.Group, id => new ClassicGroup(id, NowMs));
                if (value is { } v) group.Offsets[(k.Topic, k.Partition)] = OffsetsTopicRecords.ReadOffsetCommitValue(v);
                else group.Offsets.Remove((k.Topic, k.Partition));
                return value is not null;
            }
            case OffsetsTopicRecords.GroupKey k:
                if (value is { } gv) _groups.GetOrAdd(k.Group, id => new ClassicGroup(id, NowMs)).Restore(OffsetsTopicRecords.ReadGroupMetadataValue(gv));
                else _groups.TryRemove(k.Group, out _);
                return false;
            default:
                return false;
        }
    }

    private void PersistIfChanged(ClassicGroup group)
    {
        if (!group.MetadataChanged) return;
        group.MetadataChanged = false;
        try
        {
            Append(group.GroupId, new RecordBatchBuilder().Add(NowMs,
                OffsetsTopicRecords.GroupMetadataKey(group.GroupId), OffsetsTopicRecords.GroupMetadataValue(group.ToRecord())));
        }
        catch (Exception e) when (e is KafkaErrorException or IOException)
        {
            _logger.LogWarning("Could not persist metadata of group {Group}: {Error}", group.GroupId, e.Message);
        }
    }

    private void WriteTombstones(string groupId, List<(string Topic, int Partition)> partitions, bool includeGroup)
    {
        var builder = new RecordBatchBuilder();
        foreach (var (topic, partition) in partitions)
            builder.Add(NowMs, OffsetsTopicRecords.OffsetCommitKey(groupId, topic, partition), null);
        if (includeGroup) builder.Add(NowMs, OffsetsTopicRecords.GroupMetadataKey(groupId), null);
        if (builder.Count > 0) Append(groupId, builder);
    }

    // ------------------------------------------------------------------ commit

    /// <summary>OffsetCommit with Kafka's classic-group validation; returns an error per partition.</summary>
    public List<(string Topic, int Partition, ErrorCode Error)> CommitOffsets(string groupId, int generation, string memberId,
        string? instanceId, List<OffsetCommitEntry> entries)
    {
        ErrorCode Everyone(ErrorCode e) => e;
        if (string.IsNullOrEmpty(groupId)) return entries.Select(e => (e.Topic, e.Partition, Everyone(ErrorCode.InvalidGroupId))).ToList();
        EnsureOffsetsTopic();
        if (CoordinatorError(groupId) is var notHere and not ErrorCode.None) return entries.Select(e => (e.Topic, e.Partition, notHere)).ToList();
        var group = _groups.GetValueOrDefault(groupId);
        if (group is null)
        {
            if (generation >= 0) return entries.Select(e => (e.Topic, e.Partition, ErrorCode.IllegalGeneration)).ToList();
            group = _groups.GetOrAdd(groupId, id => new ClassicGroup(id, NowMs)); // a simple (admin / assign-mode) group
        }
        lock (group)
        {
            var groupError = group.Consumer is { } consumers ? ValidateConsumerCommit(consumers, generation, memberId)
                : ValidateCommit(group, generation, memberId, instanceId);
            if (groupError != ErrorCode.None) return entries.Select(e => (e.Topic, e.Partition, groupError)).ToList();

            int maxMetadata = Config.GetInt(BrokerConfigKeys.OffsetMetadataMaxBytes);
            var results = new List<(string, int, ErrorCode)>(entries.Count);
            var accepted = new List<(OffsetCommitEntry Entry, CommittedOffset Value)>();
            long now = NowMs;
            foreach (var e in entries)
            {
                var error = (e.Metadata?.Length ?? 0) > maxMetadata ? ErrorCode.OffsetMetadataTooLarge
                    : _broker.Logs.GetLog(e.Topic, e.Partition) is null ? ErrorCode.UnknownTopicOrPartition
                    : ErrorCode.None;
                results.Add((e.Topic, e.Partition, error));
                if (error == ErrorCode.None) accepted.Add((e, new CommittedOffset(e.Offset, e.LeaderEpoch, e.Metadata ?? "", now)));
            }
            if (accepted.Count > 0)
            {
                var builder = new RecordBatchBuilder();
                foreach (var (e, value) in accepted)
                    builder.Add(now, OffsetsTopicRecords.OffsetCommitKey(groupId, e.Topic, e.Partition), OffsetsTopicRecords.OffsetCommitValue(value));
                Append(groupId, builder);
                foreach (var (e, value) in accepted) group.Offsets[(e.Topic, e.Partition)] = value;
            }
            return results;
        }
    }

    private ErrorCode ValidateCommit(ClassicGroup group, int generation, string memberId, string? instanceId)
    {
        if (group.State == GroupState.Dead) return ErrorCode.CoordinatorNotAvailable;
        if (generation < 0 && group.State == GroupState.Empty) return ErrorCode.None; // admin or simple-consumer commit
        if (group.State == GroupState.CompletingRebalance) return ErrorCode.RebalanceInProgress;
        if (!group.Members.TryGetValue(memberId, out var member)) return ErrorCode.UnknownMemberId;
        if (instanceId is not null && member.GroupInstanceId != instanceId) return ErrorCode.FencedInstanceId;
        if (generation != group.GenerationId) return ErrorCode.IllegalGeneration;
        member.SessionDeadline = NowMs + member.SessionTimeoutMs;
        return ErrorCode.None;
    }

    // ------------------------------------------------------------------ fetch and delete

    /// <summary>OffsetFetch: null topics = every committed partition; unknown partitions answer -1.</summary>
    public List<(string Topic, List<(int Partition, CommittedOffset? Offset)> Partitions)> FetchOffsets(string groupId, List<(string Topic, List<int> Partitions)>? topics)
    {
        var group = _groups.GetValueOrDefault(groupId);
        if (group is null)
            return topics?.Select(t => (t.Topic, t.Partitions.Select(p => (p, (CommittedOffset?)null)).ToList())).ToList() ?? [];
        lock (group)
        {
            if (topics is null)
                return group.Offsets.GroupBy(o => o.Key.Topic)
                    .Select(g => (g.Key, g.OrderBy(o => o.Key.Partition).Select(o => (o.Key.Partition, (CommittedOffset?)o.Value)).ToList()))
                    .OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
            return topics.Select(t => (t.Topic, t.Partitions.Select(p => (p, group.Offsets.GetValueOrDefault((t.Topic, p)))).ToList())).ToList();
        }
    }

    /// <summary>OffsetDelete: refused per partition while members of the group still subscribe to the topic.</summary>
    public (ErrorCode GroupError, List<(string Topic, int Partition, ErrorCode Error)> Results) DeleteOffsets(string groupId, List<(string Topic, List<int> Partitions)> topics)
    {
        if (CoordinatorError(groupId) is var notHere and not ErrorCode.None) return (notHere, []);
        var group = _groups.GetValueOrDefault(groupId);
        if (group is null || group.State == GroupState.Dead) return (ErrorCode.GroupIdNotFound, []);
        lock (group)
        {
            if (group.Consumer is null && group.ProtocolType is not null && group.ProtocolType != "consumer" && group.State != GroupState.Empty)
                return (ErrorCode.NonEmptyGroup, []);
            var subscribed = group.Consumer is { } consumers
                ? consumers.SubscribedTopics(AssignableTopics()).Select(t => t.Name).ToHashSet()
                : group.Members.Values.SelectMany(m => ConsumerProtocol.SubscribedTopics(m.MetadataFor(group.ProtocolName))).ToHashSet();
            var results = new List<(string, int, ErrorCode)>();
            var removed = new List<(string, int)>();
            foreach (var (topic, partitions) in topics)
                foreach (var p in partitions)
                {
                    if (subscribed.Contains(topic)) { results.Add((topic, p, ErrorCode.GroupSubscribedToTopic)); continue; }
                    if (group.Offsets.Remove((topic, p))) removed.Add((topic, p));
                    results.Add((topic, p, ErrorCode.None));
                }
            WriteTombstones(groupId, removed, includeGroup: false);
            return (ErrorCode.None, results);
        }
    }

    /// <summary>
    /// offsets.retention.minutes: offsets of a group that has been empty that long are removed
    /// (tombstones written), and the group with them.
    /// </summary>
    public void ExpireOffsets()
    {
        long retentionMs = Config.GetLong(BrokerConfigKeys.OffsetsRetentionMinutes) * 60_000;
        long now = NowMs;
        foreach (var group in _groups.Values)
        {
            lock (group)
            {
                if (!group.IsEmpty || now - group.StateTimestampMs < retentionMs || group.Offsets.Count == 0) continue;
                WriteTombstones(group.GroupId, group.Offsets.Keys.ToList(), includeGroup: true);
                _logger.LogInformation("Expired {Count} offsets of empty group {Group}", group.Offsets.Count, group.GroupId);
                group.MarkDead(now);
                _groups.TryRemove(new KeyValuePair<string, ClassicGroup>(group.GroupId, group));
            }
        }
    }
}
