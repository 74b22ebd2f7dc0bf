using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>ListGroups v0–2: every live group, simple (offsets-only) groups included.</summary>
internal sealed class ListGroupsApi : ApiHandler
{
    public override ApiKey Key => ApiKey.ListGroups;
    public override short MaxVersion => 2;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        var groups = context.Broker.Groups.Groups.OrderBy(g => g.GroupId, StringComparer.Ordinal).ToList();
        if (context.Version >= 1) response.WriteInt32(0);
        response.WriteErrorCode(ErrorCode.None);
        response.WriteArrayLength(groups.Count);
        foreach (var g in groups)
        {
            response.WriteString(g.GroupId);
            response.WriteString(g.ProtocolType ?? "");
        }
        return ValueTask.FromResult(true);
    }
}
