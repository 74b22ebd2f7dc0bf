using ControlCenter.Broker.Groups;
using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// SyncGroup v0–5, served from its definition: the leader hands in every member's assignment;
/// followers wait for theirs. v5 names the protocol type and name on both sides: a request naming
/// other ones than the group's is INCONSISTENT_GROUP_PROTOCOL, as in Kafka.
/// </summary>
internal sealed class SyncGroupApi : DefinedApi
{
    public override ApiKey Key => ApiKey.SyncGroup;

    public override MessageSpec Request { get; } = Message("SyncGroupRequest", "0-5", "4+",
        String("GroupId"),
        Int32("GenerationId"),
        String("MemberId"),
        String("GroupInstanceId", "3+").NullableIn("3+"),
        String("ProtocolType", "5+").NullableIn("5+"),
        String("ProtocolName", "5+").NullableIn("5+"),
        Array("Assignments", "0+", String("MemberId"), Bytes("Assignment")));

    public override MessageSpec Response { get; } = Message("SyncGroupResponse", "0-5", "4+",
        Int32("ThrottleTimeMs", "1+"),
        Int16("ErrorCode"),
        String("ProtocolType", "5+").NullableIn("5+"),
        String("ProtocolName", "5+").NullableIn("5+"),
        Bytes("Assignment"));

    protected override async ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        string groupId = request.String("GroupId") ?? "";
        var assignments = (request.Structs("Assignments") ?? []).Select(a => (MemberId: a.String("MemberId") ?? "", Assignment: a.Bytes("Assignment"))).ToList();
        var coordinator = context.Broker.Groups;
        var (protocolType, protocolName) = coordinator.Protocol(groupId);
        bool inconsistent = request.String("ProtocolType") is { } askedType && protocolType is not null && askedType != protocolType
            || request.String("ProtocolName") is { } askedName && protocolName is not null && askedName != protocolName;
        var result = assignments.GroupBy(a => a.MemberId).Any(g => g.Count() > 1) ? SyncResult.Failed(ErrorCode.InvalidRequest)
            : inconsistent ? SyncResult.Failed(ErrorCode.InconsistentGroupProtocol)
            : await coordinator.SyncGroupAsync(groupId, request.Int32("GenerationId"), request.String("MemberId") ?? "", request.String("GroupInstanceId"),
                assignments.ToDictionary(a => a.MemberId, a => a.Assignment), context.Cancellation);
        (protocolType, protocolName) = coordinator.Protocol(groupId);
        return new StructValue
        {
            ["ErrorCode"] = (short)result.Error, ["Assignment"] = result.Assignment,
            ["ProtocolType"] = result.Error == ErrorCode.None ? protocolType : null, ["ProtocolName"] = result.Error == ErrorCode.None ? protocolName : null,
        };
    }
}
