using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// EndTxn v0–4, served from its definition: commit or abort; answered once every partition of
/// the transaction has its marker. v5 (KIP-890 part 2: a new epoch on every transaction) is
/// not offered, so clients keep one epoch per producer session as before.
/// </summary>
internal sealed class EndTxnApi : DefinedApi
{
    public override ApiKey Key => ApiKey.EndTxn;

    public override MessageSpec Request { get; } = Message("EndTxnRequest", "0-4", "3+",
        String("TransactionalId"),
        Int64("ProducerId"),
        Int16("ProducerEpoch"),
        Bool("Committed"));

    public override MessageSpec Response { get; } = Message("EndTxnResponse", "0-4", "3+",
        Int32("ThrottleTimeMs"),
        Int16("ErrorCode"));

    protected override async ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var error = await context.Broker.Transactions.EndTxnAsync(request.String("TransactionalId") ?? "", request.Int64("ProducerId"),
            request.Int16("ProducerEpoch"), request.Bool("Committed"), fencedCode: context.Version >= 2, context.Cancellation);
        return new StructValue { ["ErrorCode"] = (short)error };
    }
}
