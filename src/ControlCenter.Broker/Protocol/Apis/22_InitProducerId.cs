using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// InitProducerId v0–5, served from its definition, for idempotent producers: each call gets a
/// new producer id with epoch 0, as Kafka does without a transactional id (an epoch bump request,
/// v3+, gets a new id too). Transactions are not offered (their APIs are not advertised), so a
/// transactional id is answered with UNSUPPORTED_VERSION.
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

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request) =>
        ValueTask.FromResult(request.String("TransactionalId") is not null
            ? new StructValue { ["ErrorCode"] = (short)ErrorCode.UnsupportedVersion, ["ProducerEpoch"] = (short)-1 }
            : new StructValue { ["ProducerId"] = context.Broker.Logs.NextProducerId(), ["ProducerEpoch"] = (short)0 });
}
