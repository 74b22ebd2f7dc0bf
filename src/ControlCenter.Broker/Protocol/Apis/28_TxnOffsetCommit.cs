using ControlCenter.Broker.Groups;
using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// TxnOffsetCommit v0–4, served from its definition: the consumed offsets of a read-process-write
/// loop, committed with the transaction's output (exactly once). Sent to the group's coordinator
/// after AddOffsetsToTxn; applied only when the transaction commits. v5 (KIP-890 part 2) is not offered.
/// </summary>
internal sealed class TxnOffsetCommitApi : DefinedApi
{
    public override ApiKey Key => ApiKey.TxnOffsetCommit;

    public override MessageSpec Request { get; } = Message("TxnOffsetCommitRequest", "0-4", "3+",
        String("TransactionalId"),
        String("GroupId"),
        Int64("ProducerId"),
        Int16("ProducerEpoch"),
        Int32("GenerationId", "3+").WithDefault(-1),
        String("MemberId", "3+"),
        String("GroupInstanceId", "3+").NullableIn("3+"),
        Array("Topics", "0+",
            String("Name"),
            Array("Partitions", "0+",
                Int32("PartitionIndex"),
                Int64("CommittedOffset"),
                Int32("CommittedLeaderEpoch", "2+").WithDefault(-1),
                String("CommittedMetadata").NullableIn("0+"))));

    public override MessageSpec Response { get; } = Message("TxnOffsetCommitResponse", "0-4", "3+",
        Int32("ThrottleTimeMs"),
        Array("Topics", "0+",
            String("Name"),
            Array("Partitions", "0+", Int32("PartitionIndex"), Int16("ErrorCode"))));

    protected override async ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        string groupId = request.String("GroupId") ?? "";
        var entries = (request.Structs("Topics") ?? []).SelectMany(t => (t.Structs("Partitions") ?? []).Select(p => new OffsetCommitEntry(
            t.String("Name") ?? "", p.Int32("PartitionIndex"), p.Int64("CommittedOffset"), p.Int32("CommittedLeaderEpoch"), p.String("CommittedMetadata")))).ToList();
        var results = context.Broker.Groups.TxnCommitOffsets(groupId, request.Int64("ProducerId"), request.Int16("ProducerEpoch"),
            context.Version >= 3 ? request.Int32("GenerationId") : -1, request.String("MemberId") ?? "", request.String("GroupInstanceId"), entries);
        // As OffsetCommit: answered once the in-sync replicas of the group's offsets partition have the records.
        if (results.Any(r => r.Error == ErrorCode.None)
            && await context.Broker.Groups.WaitForReplicationAsync(groupId, context.Cancellation) is var replication and not ErrorCode.None)
            results = results.Select(r => (r.Topic, r.Partition, r.Error == ErrorCode.None ? replication : r.Error)).ToList();
        return new StructValue
        {
            ["Topics"] = StructValue.List(results.GroupBy(r => r.Topic).Select(t => new StructValue
            {
                ["Name"] = t.Key,
                ["Partitions"] = StructValue.List(t.Select(r => new StructValue { ["PartitionIndex"] = r.Partition, ["ErrorCode"] = (short)r.Error })),
            })),
        };
    }
}
