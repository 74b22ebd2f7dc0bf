using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// DescribeTransactions v0 (flexible only), served from its definition: a transactional id's
/// state, producer id and epoch, timeout, start time and partitions, from its coordinator.
/// </summary>
internal sealed class DescribeTransactionsApi : DefinedApi
{
    public override ApiKey Key => ApiKey.DescribeTransactions;

    public override MessageSpec Request { get; } = Message("DescribeTransactionsRequest", "0", "0+",
        ArrayOf(FieldKind.String, "TransactionalIds"));

    public override MessageSpec Response { get; } = Message("DescribeTransactionsResponse", "0", "0+",
        Int32("ThrottleTimeMs"),
        Array("TransactionStates", "0+",
            Int16("ErrorCode"),
            String("TransactionalId"),
            String("TransactionState"),
            Int32("TransactionTimeoutMs"),
            Int64("TransactionStartTimeMs"),
            Int64("ProducerId"),
            Int32("ProducerEpoch"),
            Array("TopicPartitions", "0+", String("Name"), ArrayOf(FieldKind.Int32, "PartitionIndexes"))));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var coordinator = context.Broker.Transactions;
        var states = (request.Array<string>("TransactionalIds") ?? []).Select(id =>
        {
            var answer = new StructValue { ["TransactionalId"] = id, ["TransactionState"] = "", ["ProducerId"] = -1L, ["ProducerEpoch"] = -1, ["TransactionStartTimeMs"] = -1L };
            var error = coordinator.CoordinatorError(id);
            var t = error == ErrorCode.None ? coordinator.Describe(id) : null;
            if (error == ErrorCode.None && t is null) error = ErrorCode.TransactionalIdNotFound;
            answer["ErrorCode"] = (short)error;
            if (t is null) return answer;
            answer["TransactionState"] = t.State.ToString();
            answer["TransactionTimeoutMs"] = t.TimeoutMs;
            answer["TransactionStartTimeMs"] = t.StartTimestampMs;
            answer["ProducerId"] = t.ProducerId;
            answer["ProducerEpoch"] = (int)t.ProducerEpoch;
            answer["TopicPartitions"] = StructValue.List(t.Partitions.GroupBy(p => p.Topic).Select(g => new StructValue
            {
                ["Name"] = g.Key, ["PartitionIndexes"] = g.Select(p => (object?)p.Partition).ToList(),
            }));
            return answer;
        });
        return ValueTask.FromResult(new StructValue { ["TransactionStates"] = StructValue.List(states) });
    }
}
