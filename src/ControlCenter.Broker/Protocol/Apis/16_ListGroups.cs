using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// ListGroups v0–5, served from its definition: every live group, simple (offsets-only) groups
/// included. v3+ is flexible; v4 adds each group's state and a state filter (KIP-518); v5 adds
/// each group's type and a type filter (KIP-848): classic, or consumer for groups on the consumer
/// protocol, with that protocol's own states. Filters match case-insensitively, and a state or
/// type nobody has matches nothing, as in Kafka.
/// </summary>
internal sealed class ListGroupsApi : DefinedApi
{
    public override ApiKey Key => ApiKey.ListGroups;

    public override MessageSpec Request { get; } = Message("ListGroupsRequest", "0-5", "3+",
        ArrayOf(FieldKind.String, "StatesFilter", "4+"),
        ArrayOf(FieldKind.String, "TypesFilter", "5+"));

    public override MessageSpec Response { get; } = Message("ListGroupsResponse", "0-5", "3+",
        Int32("ThrottleTimeMs", "1+"),
        Int16("ErrorCode"),
        Array("Groups", "0+",
            String("GroupId"),
            String("ProtocolType"),
            String("GroupState", "4+"),
            String("GroupType", "5+")));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var states = Filter(request.Array<string>("StatesFilter"));
        var types = Filter(request.Array<string>("TypesFilter"));
        var groups = context.Broker.Groups.Groups
            .Select(g => { lock (g) return (g.GroupId, ProtocolType: g.Consumer is null ? g.ProtocolType ?? "" : "consumer", State: g.StateName, Type: g.GroupType); })
            .Where(g => (states is null || states.Contains(g.State)) && (types is null || types.Contains(g.Type)))
            .OrderBy(g => g.GroupId, StringComparer.Ordinal)
            .Select(g => new StructValue { ["GroupId"] = g.GroupId, ["ProtocolType"] = g.ProtocolType, ["GroupState"] = g.State, ["GroupType"] = g.Type });
        return ValueTask.FromResult(new StructValue { ["Groups"] = StructValue.List(groups) });
    }

    /// <summary>An empty or missing filter lets everything through.</summary>
    private static HashSet<string>? Filter(IReadOnlyList<string>? values) =>
        values is { Count: > 0 } ? new HashSet<string>(values, StringComparer.OrdinalIgnoreCase) : null;
}
