using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>Heartbeat v0–4, served from its definition: keeps a classic member's session alive and tells it when to rejoin.</summary>
internal sealed class HeartbeatApi : DefinedApi
{
    public override ApiKey Key => ApiKey.Heartbeat;

    public override MessageSpec Request { get; } = Message("HeartbeatRequest", "0-4", "4+",
        String("GroupId"),
        Int32("GenerationId"),
        String("MemberId"),
        String("GroupInstanceId", "3+").NullableIn("3+"));

    public override MessageSpec Response { get; } = Message("HeartbeatResponse", "0-4", "4+",
        Int32("ThrottleTimeMs", "1+"),
        Int16("ErrorCode"));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var error = context.Broker.Groups.Heartbeat(request.String("GroupId") ?? "", request.Int32("GenerationId"),
            request.String("MemberId") ?? "", request.String("GroupInstanceId"));
        return ValueTask.FromResult(new StructValue { ["ErrorCode"] = (short)error });
    }
}
