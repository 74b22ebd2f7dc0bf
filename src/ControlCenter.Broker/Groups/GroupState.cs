using ControlCenter.Broker.Protocol;

namespace ControlCenter.Broker.Groups;

/// <summary>Classic group states (Kafka's ClassicGroupState); names are what DescribeGroups reports.</summary>
public enum GroupState { Empty, PreparingRebalance, CompletingRebalance, Stable, Dead }

internal sealed record JoinResult(ErrorCode Error, int GenerationId, string? ProtocolName, string LeaderId, string MemberId,
    IReadOnlyList<(string MemberId, string? InstanceId, byte[] Metadata)> Members)
{
    public static JoinResult Failed(ErrorCode error, string memberId = "") => new(error, -1, null, "", memberId, []);
}

internal sealed record SyncResult(ErrorCode Error, byte[] Assignment)
{
    public static SyncResult Failed(ErrorCode error) => new(error, []);
}

/// <summary>A committed offset as stored in __consumer_offsets (OffsetCommitValue v3).</summary>
public sealed record CommittedOffset(long Offset, int LeaderEpoch, string Metadata, long CommitTimestamp);
