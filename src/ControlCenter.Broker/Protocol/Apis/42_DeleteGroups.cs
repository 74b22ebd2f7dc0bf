using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>DeleteGroups v0–1: only empty groups; NON_EMPTY_GROUP while members are active.</summary>
internal sealed class DeleteGroupsApi : ApiHandler
{
    public override ApiKey Key => ApiKey.DeleteGroups;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("DeleteGroupsRequest", "0-2", "2+",
        ArrayOf(FieldKind.String, "GroupsNames"));
    public override short MaxVersion => 1;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        var groupIds = request.ReadArray(r => r.ReadString());
        response.WriteInt32(0);
        response.WriteArrayLength(groupIds.Count);
        foreach (var groupId in groupIds)
        {
            response.WriteString(groupId);
            response.WriteErrorCode(context.Broker.Groups.DeleteGroup(groupId));
        }
        return ValueTask.FromResult(true);
    }
}
