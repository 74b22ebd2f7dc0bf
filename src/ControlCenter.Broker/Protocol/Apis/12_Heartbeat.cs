using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>Heartbeat v0–3: keeps the member's session alive and tells it when to rejoin.</summary>
internal sealed class HeartbeatApi : ApiHandler
{
    public override ApiKey Key => ApiKey.Heartbeat;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("HeartbeatRequest", "0-4", "4+",
        String("GroupId"),
        Int32("GenerationId"),
        String("MemberId"),
        String("GroupInstanceId", "3+").NullableIn("3+"));
    public override short MaxVersion => 3;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        string groupId = request.ReadString();
        int generation = request.ReadInt32();
        string memberId = request.ReadString();
        string? instanceId = context.Version >= 3 ? request.ReadNullableString() : null;
        var error = context.Broker.Groups.Heartbeat(groupId, generation, memberId, instanceId);
        if (context.Version >= 1) response.WriteInt32(0);
        response.WriteErrorCode(error);
        return ValueTask.FromResult(true);
    }
}
