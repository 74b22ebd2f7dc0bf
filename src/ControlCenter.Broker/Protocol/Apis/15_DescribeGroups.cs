using ControlCenter.Broker.Groups;
using ControlCenter.Broker.Groups.Consumer;
using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// DescribeGroups v0–6, served from its definition. Unknown groups are reported as "Dead" without
/// an error before v6 and as GROUP_ID_NOT_FOUND with a message from v6 (KIP-1043), as Kafka does.
/// A classic group's member metadata and assignments are included only while it is Stable; a
/// consumer-protocol group is shown the classic way (its own state, protocol type "consumer", the
/// assignor as protocol, subscriptions and current assignments in the consumer protocol's encoding).
/// </summary>
internal sealed class DescribeGroupsApi : DefinedApi
{
    public override ApiKey Key => ApiKey.DescribeGroups;

    public override MessageSpec Request { get; } = Message("DescribeGroupsRequest", "0-6", "5+",
        ArrayOf(FieldKind.String, "Groups"),
        Bool("IncludeAuthorizedOperations", "3+"));

    public override MessageSpec Response { get; } = Message("DescribeGroupsResponse", "0-6", "5+",
        Int32("ThrottleTimeMs", "1+"),
        Array("Groups", "0+",
            Int16("ErrorCode"),
            String("ErrorMessage", "6+").NullableIn("6+"),
            String("GroupId"),
            String("GroupState"),
            String("ProtocolType"),
            String("ProtocolData"),
            Array("Members", "0+",
                String("MemberId"),
                String("GroupInstanceId", "4+").NullableIn("4+"),
                String("ClientId"),
                String("ClientHost"),
                Bytes("MemberMetadata"),
                Bytes("MemberAssignment")),
            Int32("AuthorizedOperations", "3+").WithDefault(AuthorizedOperations.NotRequested)));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        bool withOperations = request.Bool("IncludeAuthorizedOperations");
        var groups = (request.Array<string>("Groups") ?? []).Select(id =>
        {
            var answer = Describe(context, id);
            if (withOperations && answer.Int16("ErrorCode") == 0) answer["AuthorizedOperations"] = AuthorizedOperations.Group;
            return answer;
        });
        return ValueTask.FromResult(new StructValue { ["Groups"] = StructValue.List(groups) });
    }

    private static StructValue Describe(RequestContext context, string groupId)
    {
        if (context.Broker.Groups.CoordinatorError(groupId) is var notHere and not ErrorCode.None)
            return new StructValue { ["ErrorCode"] = (short)notHere, ["GroupId"] = groupId, ["GroupState"] = "" };
        var group = context.Broker.Groups.Find(groupId);
        if (group is null)
            return context.Version >= 6
                ? new StructValue { ["ErrorCode"] = (short)ErrorCode.GroupIdNotFound, ["ErrorMessage"] = $"Group {groupId} not found.", ["GroupId"] = groupId, ["GroupState"] = nameof(GroupState.Dead) }
                : new StructValue { ["GroupId"] = groupId, ["GroupState"] = nameof(GroupState.Dead) };
        lock (group)
        {
            if (group.Consumer is { } consumers) return DescribeConsumerGroup(context, groupId, consumers);
            bool stable = group.State == GroupState.Stable;
            return new StructValue
            {
                ["GroupId"] = groupId, ["GroupState"] = group.State.ToString(), ["ProtocolType"] = group.ProtocolType ?? "",
                ["ProtocolData"] = stable ? group.ProtocolName ?? "" : "",
                ["Members"] = StructValue.List(group.Members.Values.Select(m => new StructValue
                {
                    ["MemberId"] = m.MemberId, ["GroupInstanceId"] = m.GroupInstanceId, ["ClientId"] = m.ClientId, ["ClientHost"] = m.ClientHost,
                    ["MemberMetadata"] = stable ? m.MetadataFor(group.ProtocolName) : [], ["MemberAssignment"] = stable ? m.Assignment : [],
                })),
            };
        }
    }

    private static StructValue DescribeConsumerGroup(RequestContext context, string groupId, ConsumerGroup consumers)
    {
        var names = context.Broker.Logs.Topics.ToDictionary(t => t.Id, t => t.Name);
        return new StructValue
        {
            ["GroupId"] = groupId, ["GroupState"] = consumers.StateName, ["ProtocolType"] = "consumer", ["ProtocolData"] = consumers.AssignorName,
            ["Members"] = StructValue.List(consumers.Members.Values.Select(m => new StructValue
            {
                ["MemberId"] = m.MemberId, ["GroupInstanceId"] = m.InstanceId, ["ClientId"] = m.ClientId, ["ClientHost"] = m.ClientHost,
                ["MemberMetadata"] = ConsumerProtocol.Subscription(m.SubscribedTopicNames),
                ["MemberAssignment"] = ConsumerProtocol.Assignment(m.Assigned.Where(tp => names.ContainsKey(tp.TopicId)).Select(tp => (names[tp.TopicId], tp.Partition))),
            })),
        };
    }
}
