using ControlCenter.Broker.Groups;
using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// OffsetCommit v0–9, served from its definition, validated against the group: a classic group's
/// generation and members, or a consumer-protocol group's member epoch (v9, KIP-848; older
/// versions carrying a member epoch are accepted too). v1's commit timestamp and v2–4's retention
/// time are read and ignored: the broker stamps commits and applies offsets.retention.minutes.
/// </summary>
internal sealed class OffsetCommitApi : DefinedApi
{
    public override ApiKey Key => ApiKey.OffsetCommit;

    public override MessageSpec Request { get; } = Message("OffsetCommitRequest", "0-9", "8+",
        String("GroupId"),
        Int32("GenerationIdOrMemberEpoch", "1+").WithDefault(-1),
        String("MemberId", "1+"),
        String("GroupInstanceId", "7+").NullableIn("7+"),
        Int64("RetentionTimeMs", "2-4").WithDefault(-1L),
        Array("Topics", "0+",
            String("Name"),
            Array("Partitions", "0+",
                Int32("PartitionIndex"),
                Int64("CommittedOffset"),
                Int32("CommittedLeaderEpoch", "6+").WithDefault(-1),
                Int64("CommitTimestamp", "1").WithDefault(-1L),
                String("CommittedMetadata").NullableIn("0+"))));

    public override MessageSpec Response { get; } = Message("OffsetCommitResponse", "0-9", "8+",
        Int32("ThrottleTimeMs", "3+"),
        Array("Topics", "0+",
            String("Name"),
            Array("Partitions", "0+", Int32("PartitionIndex"), Int16("ErrorCode"))));

    protected override async ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var entries = (request.Structs("Topics") ?? []).SelectMany(t => (t.Structs("Partitions") ?? []).Select(p => new OffsetCommitEntry(
            t.String("Name") ?? "", p.Int32("PartitionIndex"), p.Int64("CommittedOffset"), p.Int32("CommittedLeaderEpoch"), p.String("CommittedMetadata")))).ToList();
        var results = context.Broker.Groups.CommitOffsets(request.String("GroupId") ?? "", request.Int32("GenerationIdOrMemberEpoch"),
            request.String("MemberId") ?? "", request.String("GroupInstanceId"), entries);
        if (results.Any(r => r.Error == ErrorCode.None)
            && await context.Broker.Groups.WaitForReplicationAsync(request.String("GroupId") ?? "", context.Cancellation) is var replication and not ErrorCode.None)
            results = results.Select(r => r.Error == ErrorCode.None ? (r.Topic, r.Partition, replication) : r).ToList();
        var topics = results.GroupBy(r => r.Topic).Select(t => new StructValue
        {
            ["Name"] = t.Key,
            ["Partitions"] = StructValue.List(t.Select(r => new StructValue { ["PartitionIndex"] = r.Partition, ["ErrorCode"] = (short)r.Error })),
        });
        return new StructValue { ["Topics"] = StructValue.List(topics) };
    }
}
