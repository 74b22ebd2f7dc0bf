using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.Broker.Server;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// DescribeProducers v0 (KIP-664): the idempotent producers a partition keeps state for, with
/// their epoch, last sequence and last timestamp. This broker has no transactions yet, so the
/// coordinator epoch and current transaction start offset are always -1 (none).
/// </summary>
internal sealed class DescribeProducersApi : DefinedApi
{
    public override ApiKey Key => ApiKey.DescribeProducers;

    public override MessageSpec Request { get; } = Message("DescribeProducersRequest", "0", "0+",
        Array("Topics", "0+", String("Name"), ArrayOf(FieldKind.Int32, "PartitionIndexes")));

    public override MessageSpec Response { get; } = Message("DescribeProducersResponse", "0", "0+",
        Int32("ThrottleTimeMs"),
        Array("Topics", "0+",
            String("Name"),
            Array("Partitions", "0+",
                Int32("PartitionIndex"),
                Int16("ErrorCode"),
                String("ErrorMessage").NullableIn("0+"),
                Array("ActiveProducers", "0+",
                    Int64("ProducerId"),
                    Int32("ProducerEpoch"),
                    Int32("LastSequence").WithDefault(-1),
                    Int64("LastTimestamp").WithDefault(-1L),
                    Int32("CoordinatorEpoch"),
                    Int64("CurrentTxnStartOffset").WithDefault(-1L)))));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var logs = context.Broker.Logs;
        var topics = new List<object?>();
        foreach (var topic in request.Structs("Topics") ?? [])
        {
            string name = topic.String("Name") ?? "";
            var partitions = new List<object?>();
            foreach (int index in topic.Array<int>("PartitionIndexes") ?? [])
            {
                var partition = new StructValue { ["PartitionIndex"] = index };
                if (logs.GetLog(name, index) is { } log)
                    partition["ActiveProducers"] = StructValue.List(log.ActiveProducers().Select(p => new StructValue
                    {
                        ["ProducerId"] = p.ProducerId, ["ProducerEpoch"] = (int)p.Epoch, ["LastSequence"] = p.LastSequence,
                        ["LastTimestamp"] = p.LastTimestamp, ["CoordinatorEpoch"] = -1, ["CurrentTxnStartOffset"] = p.CurrentTxnStartOffset,
                    }));
                else
                {
                    partition["ErrorCode"] = (short)ErrorCode.UnknownTopicOrPartition;
                    partition["ErrorMessage"] = $"{name}-{index} does not exist.";
                }
                partitions.Add(partition);
            }
            topics.Add(new StructValue { ["Name"] = name, ["Partitions"] = partitions });
        }
        return ValueTask.FromResult(new StructValue { ["Topics"] = topics });
    }
}
