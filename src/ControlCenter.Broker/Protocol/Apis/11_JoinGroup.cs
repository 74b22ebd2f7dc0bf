using ControlCenter.Broker.Groups;
using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// JoinGroup v0–9, served from its definition. The response waits until the rebalance completes.
/// v4+ new members first get MEMBER_ID_REQUIRED with their id (KIP-394); v5 adds static membership
/// (group.instance.id); v7 names the protocol type in the answer; v8's reason is accepted and not
/// kept; v9's SkipAssignment is always false (the leader always assigns, KIP-814's case of a
/// returning static leader is not special here).
/// </summary>
internal sealed class JoinGroupApi : DefinedApi
{
    public override ApiKey Key => ApiKey.JoinGroup;

    public override MessageSpec Request { get; } = Message("JoinGroupRequest", "0-9", "6+",
        String("GroupId"),
        Int32("SessionTimeoutMs"),
        Int32("RebalanceTimeoutMs", "1+").WithDefault(-1),
        String("MemberId"),
        String("GroupInstanceId", "5+").NullableIn("5+"),
        String("ProtocolType"),
        Array("Protocols", "0+", String("Name"), Bytes("Metadata")),
        String("Reason", "8+").NullableIn("8+"));

    public override MessageSpec Response { get; } = Message("JoinGroupResponse", "0-9", "6+",
        Int32("ThrottleTimeMs", "2+"),
        Int16("ErrorCode"),
        Int32("GenerationId").WithDefault(-1),
        String("ProtocolType", "7+").NullableIn("7+"),
        String("ProtocolName").NullableIn("7+"),
        String("Leader"),
        Bool("SkipAssignment", "9+"),
        String("MemberId"),
        Array("Members", "0+", String("MemberId"), String("GroupInstanceId", "5+").NullableIn("5+"), Bytes("Metadata")));

    protected override async ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        short v = context.Version;
        int sessionTimeout = request.Int32("SessionTimeoutMs");
        int rebalanceTimeout = v >= 1 ? request.Int32("RebalanceTimeoutMs") : sessionTimeout; // v0: the session timeout is both
        string protocolType = request.String("ProtocolType") ?? "";
        var protocols = (request.Structs("Protocols") ?? []).Select(p => (Name: p.String("Name") ?? "", Metadata: p.Bytes("Metadata"))).ToList();
        var result = await context.Broker.Groups.JoinGroupAsync(new JoinRequest(request.String("GroupId") ?? "", sessionTimeout, rebalanceTimeout,
            request.String("MemberId") ?? "", request.String("GroupInstanceId"), protocolType, protocols, context.Header.ClientId ?? "",
            "/" + context.ClientHost, RequireKnownMemberId: v >= 4), context.Cancellation);
        bool joined = result.Error == ErrorCode.None;
        return new StructValue
        {
            ["ErrorCode"] = (short)result.Error, ["GenerationId"] = result.GenerationId,
            ["ProtocolType"] = joined ? protocolType : null,
            // Before v7 the name is not nullable: an error answers it empty, as Kafka does.
            ["ProtocolName"] = result.ProtocolName ?? (v >= 7 ? null : ""),
            ["Leader"] = result.LeaderId, ["MemberId"] = result.MemberId,
            ["Members"] = StructValue.List(result.Members.Select(m => new StructValue { ["MemberId"] = m.MemberId, ["GroupInstanceId"] = m.InstanceId, ["Metadata"] = m.Metadata })),
        };
    }
}
