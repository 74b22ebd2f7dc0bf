using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// InitProducerId v0–1 for idempotent producers. Transactions are not offered (their APIs are
/// not advertised), so a transactional id is answered with UNSUPPORTED_VERSION.
/// </summary>
internal sealed class InitProducerIdApi : ApiHandler
{
    public override ApiKey Key => ApiKey.InitProducerId;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("InitProducerIdRequest", "0-5", "2+",
        String("TransactionalId").NullableIn("0+"),
        Int32("TransactionTimeoutMs"),
        Int64("ProducerId", "3+"),
        Int16("ProducerEpoch", "3+"));
    public override short MaxVersion => 1;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        string? transactionalId = request.ReadNullableString();
        request.ReadInt32(); // transaction timeout
        response.WriteInt32(0);
        if (transactionalId is not null)
        {
            response.WriteErrorCode(ErrorCode.UnsupportedVersion);
            response.WriteInt64(-1);
            response.WriteInt16(-1);
        }
        else
        {
            response.WriteErrorCode(ErrorCode.None);
            response.WriteInt64(context.Broker.Logs.NextProducerId());
            response.WriteInt16(0);
        }
        return ValueTask.FromResult(true);
    }
}
