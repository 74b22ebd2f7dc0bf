using ControlCenter.Broker.Groups;
using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// JoinGroup v0–5. The response waits until the rebalance completes. v4+ new members first get
/// MEMBER_ID_REQUIRED with their id (KIP-394); v5 adds static membership (group.instance.id).
/// </summary>
internal sealed class JoinGroupApi : ApiHandler
{
    public override ApiKey Key => ApiKey.JoinGroup;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("JoinGroupRequest", "0-9", "6+",
        String("GroupId"),
        Int32("SessionTimeoutMs"),
        Int32("RebalanceTimeoutMs", "1+"),
        String("MemberId"),
        String("GroupInstanceId", "5+").NullableIn("5+"),
        String("ProtocolType"),
        Array("Protocols", "0+", String("Name"), Bytes("Metadata")),
        String("Reason", "8+").NullableIn("8+"));
    public override short MaxVersion => 5;

    public override async ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        short v = context.Version;
        string groupId = request.ReadString();
        int sessionTimeout = request.ReadInt32();
        int rebalanceTimeout = v >= 1 ? request.ReadInt32() : sessionTimeout;
        string memberId = request.ReadString();
        string? instanceId = v >= 5 ? request.ReadNullableString() : null;
        string protocolType = request.ReadString();
        var protocols = request.ReadArray(r => (Name: r.ReadString(), Metadata: r.ReadBytes().ToArray()));

        var result = await context.Broker.Groups.JoinGroupAsync(new JoinRequest(groupId, sessionTimeout, rebalanceTimeout, memberId, instanceId,
            protocolType, protocols, context.Header.ClientId ?? "", "/" + context.ClientHost, RequireKnownMemberId: v >= 4), context.Cancellation);

        if (v >= 2) response.WriteInt32(0);
        response.WriteErrorCode(result.Error);
        response.WriteInt32(result.GenerationId);
        response.WriteString(result.ProtocolName ?? "");
        response.WriteString(result.LeaderId);
        response.WriteString(result.MemberId);
        response.WriteArrayLength(result.Members.Count);
        foreach (var (id, instance, metadata) in result.Members)
        {
            response.WriteString(id);
            if (v >= 5) response.WriteNullableString(instance);
            response.WriteBytes(metadata);
        }
        return true;
    }
}
