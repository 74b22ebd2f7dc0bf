using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>FindCoordinator v0–2: this node coordinates every group; transactions are not offered.</summary>
internal sealed class FindCoordinatorApi : ApiHandler
{
    public override ApiKey Key => ApiKey.FindCoordinator;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("FindCoordinatorRequest", "0-6", "3+",
        String("Key", "0-3"),
        Int8("KeyType", "1+"),
        ArrayOf(FieldKind.String, "CoordinatorKeys", "4+"));
    public override short MaxVersion => 2;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        short v = context.Version;
        string key = request.ReadString();
        sbyte keyType = v >= 1 ? request.ReadInt8() : (sbyte)0;
        var broker = context.Broker;
        var (error, message) = keyType switch
        {
            0 when key.Length == 0 => (ErrorCode.InvalidRequest, "Group id must not be empty"),
            0 => (ErrorCode.None, (string?)null),
            _ => (ErrorCode.CoordinatorNotAvailable, "Transactions are not supported by the embedded broker"),
        };
        if (error == ErrorCode.None) broker.Groups.EnsureOffsetsTopic();
        if (v >= 1) response.WriteInt32(0);
        response.WriteErrorCode(error);
        if (v >= 1) response.WriteNullableString(message);
        bool ok = error == ErrorCode.None;
        response.WriteInt32(ok ? broker.NodeId : -1);
        response.WriteString(ok ? broker.AdvertisedHost : "");
        response.WriteInt32(ok ? broker.AdvertisedPort : -1);
        return ValueTask.FromResult(true);
    }
}
