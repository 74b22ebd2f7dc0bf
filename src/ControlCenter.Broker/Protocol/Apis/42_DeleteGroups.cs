using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>DeleteGroups v0–1: only empty groups; NON_EMPTY_GROUP while members are active.</summary>
internal sealed class DeleteGroupsApi : ApiHandler
{
    public override ApiKey Key => ApiKey.DeleteGroups;
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
