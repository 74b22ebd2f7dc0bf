namespace ControlCenter.Broker.Groups.Consumer;

/// <summary>Where a member stands in reconciling its current assignment with its target (Kafka's MemberState).</summary>
public enum MemberState
{
    /// <summary>The member owns exactly its target at the group's assignment epoch.</summary>
    Stable,
    /// <summary>The member must give partitions back before it may move to the new epoch.</summary>
    UnrevokedPartitions,
    /// <summary>The member is at the new epoch but waits for partitions other members still hold.</summary>
    UnreleasedPartitions,
}

/// <summary>A member of a consumer-protocol (KIP-848) group. Every member is changed with its group locked.</summary>
internal sealed class ConsumerGroupMember(string memberId)
{
    public string MemberId { get; set; } = memberId;
    public string? InstanceId { get; set; }
    public string? RackId { get; set; }
    public string ClientId { get; set; } = "";
    public string ClientHost { get; set; } = "";
    public int RebalanceTimeoutMs { get; set; } = 300_000;
    public IReadOnlyList<string> SubscribedTopicNames { get; set; } = [];
    public string? SubscribedTopicRegex { get; set; }
    public string? ServerAssignor { get; set; }

    /// <summary>The epoch the member is at; it moves to the group's assignment epoch once it has revoked what it must.</summary>
    public int MemberEpoch { get; set; }
    /// <summary>The epoch before the last bump: a heartbeat whose answer was lost may still carry it.</summary>
    public int PreviousMemberEpoch { get; set; } = -1;
    public MemberState State { get; set; } = MemberState.Stable;

    /// <summary>Partitions the member may use now (its current assignment).</summary>
    public HashSet<TopicIdPartition> Assigned { get; set; } = [];
    /// <summary>Partitions the member was told to give back and has not yet confirmed giving back.</summary>
    public HashSet<TopicIdPartition> PendingRevocation { get; set; } = [];

    /// <summary>Broker-clock time after which a silent member is removed (group.consumer.session.timeout.ms).</summary>
    public long SessionDeadline { get; set; }
    /// <summary>Broker-clock time by which a revocation must be confirmed (the member's rebalance timeout), or 0.</summary>
    public long RevocationDeadline { get; set; }
    /// <summary>A static member that left with epoch -2: it keeps its assignment until its session ends or it returns.</summary>
    public bool LeftTemporarily { get; set; }
    /// <summary>The assignment changed since the member was last told.</summary>
    public bool AssignmentChanged { get; set; } = true;

    /// <summary>True when this member owns, or still has to give back, the partition.</summary>
    public bool Holds(TopicIdPartition partition) => Assigned.Contains(partition) || PendingRevocation.Contains(partition);
}
