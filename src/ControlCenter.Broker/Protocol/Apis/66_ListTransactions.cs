using ControlCenter.LogFormat.Records;
using ControlCenter.Broker.Server;
using ControlCenter.Broker.Transactions;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// ListTransactions v0–1 (flexible only), served from its definition: the transactional ids this
/// node coordinates (an admin client asks every node), filtered by state, producer id and (v1)
/// how long the transaction has been running. Unknown state names are echoed back, as in Kafka.
/// </summary>
internal sealed class ListTransactionsApi : DefinedApi
{
    public override ApiKey Key => ApiKey.ListTransactions;

    public override MessageSpec Request { get; } = Message("ListTransactionsRequest", "0-1", "0+",
        ArrayOf(FieldKind.String, "StateFilters"),
        ArrayOf(FieldKind.Int64, "ProducerIdFilters"),
        Int64("DurationFilter", "1+").WithDefault(-1L));

    public override MessageSpec Response { get; } = Message("ListTransactionsResponse", "0-1", "0+",
        Int32("ThrottleTimeMs"),
        Int16("ErrorCode"),
        ArrayOf(FieldKind.String, "UnknownStateFilters"),
        Array("TransactionStates", "0+", String("TransactionalId"), Int64("ProducerId"), String("TransactionState")));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var stateFilters = request.Array<string>("StateFilters") ?? [];
        var known = stateFilters.Where(s => Enum.TryParse<TransactionState>(s, out _) && !int.TryParse(s, out _)).Select(Enum.Parse<TransactionState>).ToHashSet();
        var unknown = stateFilters.Where(s => !Enum.TryParse<TransactionState>(s, out _) || int.TryParse(s, out _)).ToList();
        var producerIds = (request.Array<long>("ProducerIdFilters") ?? []).ToHashSet();
        long duration = context.Version >= 1 ? request.Int64("DurationFilter") : -1;
        long now = context.Broker.NowMs;
        var listed = context.Broker.Transactions.Snapshots()
            .Where(t => stateFilters.Count == 0 || known.Contains(t.State))
            .Where(t => producerIds.Count == 0 || producerIds.Contains(t.ProducerId))
            .Where(t => duration < 0 || (t.StartTimestampMs >= 0 && now - t.StartTimestampMs > duration))
            .OrderBy(t => t.TransactionalId, StringComparer.Ordinal)
            .Select(t => new StructValue { ["TransactionalId"] = t.TransactionalId, ["ProducerId"] = t.ProducerId, ["TransactionState"] = t.State.ToString() });
        return ValueTask.FromResult(new StructValue
        {
            ["UnknownStateFilters"] = unknown.Cast<object?>().ToList(),
            ["TransactionStates"] = StructValue.List(listed),
        });
    }
}
