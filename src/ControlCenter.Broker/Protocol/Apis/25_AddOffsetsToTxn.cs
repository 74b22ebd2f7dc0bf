using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// AddOffsetsToTxn v0–4, served from its definition: the transaction will commit a group's
/// offsets (TxnOffsetCommit), so it spans that group's __consumer_offsets partition, which gets
/// a marker like any other.
/// </summary>
internal sealed class AddOffsetsToTxnApi : DefinedApi
{
    public override ApiKey Key => ApiKey.AddOffsetsToTxn;

    public override MessageSpec Request { get; } = Message("AddOffsetsToTxnRequest", "0-4", "3+",
        String("TransactionalId"),
        Int64("ProducerId"),
        Int16("ProducerEpoch"),
        String("GroupId"));

    public override MessageSpec Response { get; } = Message("AddOffsetsToTxnResponse", "0-4", "3+",
        Int32("ThrottleTimeMs"),
        Int16("ErrorCode"));

    protected override async ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var broker = context.Broker;
        string groupId = request.String("GroupId") ?? "";
        if (groupId.Length == 0) return new StructValue { ["ErrorCode"] = (short)ErrorCode.InvalidGroupId };
        broker.Groups.EnsureOffsetsTopic();
        int partition = broker.Groups.OffsetsPartitionFor(groupId);
        var results = await broker.Transactions.AddPartitionsAsync(request.String("TransactionalId") ?? "", request.Int64("ProducerId"), request.Int16("ProducerEpoch"),
            [(ControlCenter.LogFormat.TopicNames.ConsumerOffsets, partition)], fencedCode: context.Version >= 2, context.Cancellation);
        return new StructValue { ["ErrorCode"] = (short)results.Values.First() };
    }
}
