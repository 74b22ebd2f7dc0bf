using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// AddPartitionsToTxn v0–3, served from its definition: a transactional producer names the
/// partitions it is about to write to. Versions 4–5 batch several transactions and verify
/// partitions for other brokers (KIP-890); no client sends them, so they are not offered.
/// </summary>
internal sealed class AddPartitionsToTxnApi : DefinedApi
{
    public override ApiKey Key => ApiKey.AddPartitionsToTxn;

    public override MessageSpec Request { get; } = Message("AddPartitionsToTxnRequest", "0-3", "3+",
        String("V3AndBelowTransactionalId"),
        Int64("V3AndBelowProducerId"),
        Int16("V3AndBelowProducerEpoch"),
        Array("V3AndBelowTopics", "0+", String("Name"), ArrayOf(FieldKind.Int32, "Partitions")));

    public override MessageSpec Response { get; } = Message("AddPartitionsToTxnResponse", "0-3", "3+",
        Int32("ThrottleTimeMs"),
        Array("ResultsByTopicV3AndBelow", "0+",
            String("Name"),
            Array("ResultsByPartition", "0+", Int32("PartitionIndex"), Int16("PartitionErrorCode"))));

    protected override async ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var partitions = (request.Structs("V3AndBelowTopics") ?? [])
            .SelectMany(t => (t.Array<int>("Partitions") ?? []).Select(p => (t.String("Name") ?? "", p))).ToList();
        var results = await context.Broker.Transactions.AddPartitionsAsync(request.String("V3AndBelowTransactionalId") ?? "",
            request.Int64("V3AndBelowProducerId"), request.Int16("V3AndBelowProducerEpoch"), partitions, fencedCode: context.Version >= 2, context.Cancellation);
        return new StructValue
        {
            ["ResultsByTopicV3AndBelow"] = StructValue.List(results.GroupBy(r => r.Key.Topic).Select(t => new StructValue
            {
                ["Name"] = t.Key,
                ["ResultsByPartition"] = StructValue.List(t.Select(r => new StructValue { ["PartitionIndex"] = r.Key.Partition, ["PartitionErrorCode"] = (short)r.Value })),
            })),
        };
    }
}
