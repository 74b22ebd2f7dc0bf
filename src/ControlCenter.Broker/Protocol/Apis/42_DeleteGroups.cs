using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>DeleteGroups v0–2, served from its definition: only empty groups; NON_EMPTY_GROUP while members are active.</summary>
internal sealed class DeleteGroupsApi : DefinedApi
{
    public override ApiKey Key => ApiKey.DeleteGroups;

    public override MessageSpec Request { get; } = Message("DeleteGroupsRequest", "0-2", "2+",
        ArrayOf(FieldKind.String, "GroupsNames"));

    public override MessageSpec Response { get; } = Message("DeleteGroupsResponse", "0-2", "2+",
        Int32("ThrottleTimeMs"),
        Array("Results", "0+", String("GroupId"), Int16("ErrorCode")));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var results = (request.Array<string>("GroupsNames") ?? []).Select(groupId =>
            new StructValue { ["GroupId"] = groupId, ["ErrorCode"] = (short)context.Broker.Groups.DeleteGroup(groupId) });
        return ValueTask.FromResult(new StructValue { ["Results"] = StructValue.List(results) });
    }
}
