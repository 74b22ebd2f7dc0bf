namespace ControlCenter.Kafka.Groups;

/// <param name="TargetAssignment">
/// What the coordinator wants the member to own (consumer-protocol groups, KIP-848); null where the
/// cluster does not say (classic groups). Current and target differ while the member reconciles.
/// </param>
public sealed record GroupMemberInfo(string MemberId, string? GroupInstanceId, string ClientId, string Host, IReadOnlyList<(string Topic, int Partition)> Assignment,
    IReadOnlyList<(string Topic, int Partition)>? TargetAssignment = null)
{
    /// <summary>A member with nothing assigned nor coming: more consumers than partitions, so this one waits as a standby.</summary>
    public bool IsIdle => Assignment.Count == 0 && (TargetAssignment is null || TargetAssignment.Count == 0);

    /// <summary>The member still has partitions to give back or to receive before it owns its target.</summary>
    public bool IsReconciling => TargetAssignment is not null && !TargetAssignment.ToHashSet().SetEquals(Assignment);

    public static GroupMemberInfo From(Confluent.Kafka.Admin.MemberDescription member) =>
        new(member.ConsumerId, member.GroupInstanceId, member.ClientId, member.Host, Partitions(member.Assignment), member.TargetAssignment is null ? null : Partitions(member.TargetAssignment));

    private static List<(string Topic, int Partition)> Partitions(Confluent.Kafka.Admin.MemberAssignment? assignment) =>
        assignment?.TopicPartitions?.Select(tp => (tp.Topic, tp.Partition.Value)).ToList() ?? [];
}

/// <summary>
/// A consumer group as the monitor last read it: membership, state and committed offsets.
/// <see cref="Type"/> is the cluster's word for its protocol (KIP-848): "classic" (JoinGroup/SyncGroup,
/// simple groups included), "consumer" (ConsumerGroupHeartbeat), or "unknown" from clusters before Kafka 3.8.
/// </summary>
public sealed record GroupSnapshot(
    string GroupId,
    string State,
    string Type,
    string ProtocolType,
    string Assignor,
    bool IsSimple,
    IReadOnlyList<GroupMemberInfo> Members,
    IReadOnlyDictionary<(string Topic, int Partition), long> Committed,
    DateTimeOffset ReadAt)
{
    public bool IsEmpty => Members.Count == 0;
    public IEnumerable<string> Topics => Committed.Keys.Select(k => k.Topic).Concat(Members.SelectMany(m => m.Assignment.Select(a => a.Topic))).Distinct().Order();

    public string? OwnerOf(string topic, int partition) =>
        Members.FirstOrDefault(m => m.Assignment.Contains((topic, partition)))?.MemberId;
}

/// <summary>Lag of one partition for one group: in records and in time.</summary>
public sealed record PartitionLag(
    string Topic,
    int Partition,
    long? Committed,
    long LogEndOffset,
    long LogStartOffset,
    long? LagRecords,
    TimeSpan? LagTime,
    DateTimeOffset? LastCommitSeen,
    string? Owner);

/// <summary>A group with its lag summed and maxed over its partitions (one row of the groups page).</summary>
public sealed record GroupLag(GroupSnapshot Group, IReadOnlyList<PartitionLag> Partitions)
{
    public long TotalLag => Partitions.Sum(p => p.LagRecords ?? 0);
    public TimeSpan? MaxLagTime => Partitions.Where(p => p.LagTime is not null).Select(p => p.LagTime!.Value).DefaultIfEmpty().Max() is var max && Partitions.Any(p => p.LagTime is not null) ? max : null;
    public IEnumerable<(string Topic, long Lag, TimeSpan? MaxTime, int Partitions)> ByTopic =>
        Partitions.GroupBy(p => p.Topic).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Sum(p => p.LagRecords ?? 0), g.Where(p => p.LagTime is not null).Select(p => (TimeSpan?)p.LagTime).Max(), g.Count()));
}
