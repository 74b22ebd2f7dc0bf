using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// ListGroups v0–4: every live group, simple (offsets-only) groups included. v3+ is flexible;
/// v4 adds each group's state and a state filter (KIP-518), so one call lists groups with states.
/// </summary>
internal sealed class ListGroupsApi : ApiHandler
{
    public override ApiKey Key => ApiKey.ListGroups;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("ListGroupsRequest", "0-5", "3+",
        ArrayOf(FieldKind.String, "StatesFilter", "4+"),
        ArrayOf(FieldKind.String, "TypesFilter", "5+"));
    public override short MaxVersion => 4;
    public override short FirstFlexibleVersion => 3;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        short v = context.Version;
        HashSet<string>? states = null;
        if (v >= 4)
        {
            int count = request.ReadCompactArrayLength();
            if (count > 0)
            {
                states = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                for (int i = 0; i < count; i++) states.Add(request.ReadCompactString());
            }
        }
        if (v >= 3) request.SkipTaggedFields();

        var groups = context.Broker.Groups.Groups
            .Where(g => states is null || states.Contains(g.State.ToString()))
            .OrderBy(g => g.GroupId, StringComparer.Ordinal).ToList();
        if (v >= 1) response.WriteInt32(0);
        response.WriteErrorCode(ErrorCode.None);
        if (v >= 3) response.WriteCompactArrayLength(groups.Count);
        else response.WriteArrayLength(groups.Count);
        foreach (var g in groups)
        {
            if (v >= 3)
            {
                response.WriteCompactNullableString(g.GroupId);
                response.WriteCompactNullableString(g.ProtocolType ?? "");
                if (v >= 4) response.WriteCompactNullableString(g.State.ToString());
                response.WriteEmptyTaggedFields();
            }
            else
            {
                response.WriteString(g.GroupId);
                response.WriteString(g.ProtocolType ?? "");
            }
        }
        if (v >= 3) response.WriteEmptyTaggedFields();
        return ValueTask.FromResult(true);
    }
}
