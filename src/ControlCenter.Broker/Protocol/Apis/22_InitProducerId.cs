using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// InitProducerId v0–5, served from its definition. Without a transactional id (idempotent
/// producers) each call gets a new producer id with epoch 0, as in Kafka (an epoch bump request,
/// v3+, gets a new id too). With one, the transaction coordinator answers: the id's producer id
/// with the next epoch, which fences every older instance of the same transactional id.
/// </summary>
internal sealed class InitProducerIdApi : DefinedApi
{
    public override ApiKey Key => ApiKey.InitProducerId;

    public override MessageSpec Request { get; } = Message("InitProducerIdRequest", "0-5", "2+",
        String("TransactionalId").NullableIn("0+"),
        Int32("TransactionTimeoutMs"),
        Int64("ProducerId", "3+").WithDefault(-1L),
        Int16("ProducerEpoch", "3+").WithDefault((short)-1));

    public override MessageSpec Response { get; } = Message("InitProducerIdResponse", "0-5", "2+",
        Int32("ThrottleTimeMs"),
        Int16("ErrorCode"),
        Int64("ProducerId").WithDefault(-1L),
        Int16("ProducerEpoch"));

    protected override async ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        if (request.String("TransactionalId") is not { } transactionalId)
            return new StructValue { ["ProducerId"] = context.Broker.Logs.NextProducerId(), ["ProducerEpoch"] = (short)0 };
        var (error, producerId, epoch) = await context.Broker.Transactions.InitProducerIdAsync(transactionalId, request.Int32("TransactionTimeoutMs"),
            context.Version >= 3 ? request.Int64("ProducerId") : -1, context.Version >= 3 ? request.Int16("ProducerEpoch") : (short)-1, context.Cancellation);
        // PRODUCER_FENCED exists from v4 (KIP-588); older clients know the same refusal as INVALID_PRODUCER_EPOCH.
        if (error == ErrorCode.ProducerFenced && context.Version < 4) error = ErrorCode.InvalidProducerEpoch;
        return new StructValue { ["ErrorCode"] = (short)error, ["ProducerId"] = producerId, ["ProducerEpoch"] = epoch };
    }
}
