using ControlCenter.Broker.Groups.Consumer;
using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.Broker.Server;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// ConsumerGroupDescribe v0–1 (KIP-848): a consumer-protocol group's epochs, assignor and members,
/// each with its member epoch, subscription, current assignment and target assignment. A classic
/// group is GROUP_ID_NOT_FOUND here, as in Kafka: admin clients then describe it with DescribeGroups.
/// </summary>
internal sealed class ConsumerGroupDescribeApi : DefinedApi
{
    /// <summary>v1's member type: this member speaks the consumer protocol (1), not the classic one (0).</summary>
    private const sbyte ConsumerMember = 1;

    public override ApiKey Key => ApiKey.ConsumerGroupDescribe;

    public override MessageSpec Request { get; } = Message("ConsumerGroupDescribeRequest", "0-1", "0+",
        ArrayOf(FieldKind.String, "GroupIds"),
        Bool("IncludeAuthorizedOperations"));

    private static readonly Field[] AssignmentFields =
        [Array("TopicPartitions", "0+", Uuid("TopicId"), String("TopicName"), ArrayOf(FieldKind.Int32, "Partitions"))];

    public override MessageSpec Response { get; } = Message("ConsumerGroupDescribeResponse", "0-1", "0+",
        Int32("ThrottleTimeMs"),
        Array("Groups", "0+",
            Int16("ErrorCode"),
            String("ErrorMessage").NullableIn("0+"),
            String("GroupId"),
            String("GroupState"),
            Int32("GroupEpoch"),
            Int32("AssignmentEpoch"),
            String("AssignorName"),
            Array("Members", "0+",
                String("MemberId"),
                String("InstanceId").NullableIn("0+"),
                String("RackId").NullableIn("0+"),
                Int32("MemberEpoch"),
                String("ClientId"),
                String("ClientHost"),
                ArrayOf(FieldKind.String, "SubscribedTopicNames"),
                String("SubscribedTopicRegex").NullableIn("0+"),
                Struct("Assignment", "0+", AssignmentFields),
                Struct("TargetAssignment", "0+", AssignmentFields),
                Int8("MemberType", "1+").WithDefault((sbyte)-1)),
            Int32("AuthorizedOperations").WithDefault(AuthorizedOperations.NotRequested)));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        bool withOperations = request.Bool("IncludeAuthorizedOperations");
        var names = context.Broker.Logs.Topics.ToDictionary(t => t.Id, t => t.Name);
        var groups = (request.Array<string>("GroupIds") ?? []).Select(id => Describe(context, id, names, withOperations));
        return ValueTask.FromResult(new StructValue { ["Groups"] = StructValue.List(groups) });
    }

    private static StructValue Describe(RequestContext context, string groupId, Dictionary<Guid, string> names, bool withOperations)
    {
        var answer = new StructValue { ["GroupId"] = groupId };
        if (string.IsNullOrEmpty(groupId)) return Failed(answer, ErrorCode.InvalidGroupId, "The group id can't be empty.");
        if (context.Broker.Groups.CoordinatorError(groupId) is var notHere and not ErrorCode.None)
            return Failed(answer, notHere, $"Node {context.Broker.NodeId} is not the coordinator of group {groupId}.");
        var group = context.Broker.Groups.Find(groupId);
        if (group is null) return Failed(answer, ErrorCode.GroupIdNotFound, $"Group {groupId} not found.");
        lock (group)
        {
            if (group.Consumer is not { } consumers) return Failed(answer, ErrorCode.GroupIdNotFound, $"Group {groupId} is not a consumer group.");
            answer["GroupState"] = consumers.StateName;
            answer["GroupEpoch"] = consumers.GroupEpoch;
            answer["AssignmentEpoch"] = consumers.AssignmentEpoch;
            answer["AssignorName"] = consumers.AssignorName;
            answer["Members"] = StructValue.List(consumers.Members.Values.OrderBy(m => m.MemberId, StringComparer.Ordinal).Select(m => new StructValue
            {
                ["MemberId"] = m.MemberId, ["InstanceId"] = m.InstanceId, ["RackId"] = m.RackId, ["MemberEpoch"] = m.MemberEpoch,
                ["ClientId"] = m.ClientId, ["ClientHost"] = m.ClientHost,
                ["SubscribedTopicNames"] = StructValue.List(m.SubscribedTopicNames), ["SubscribedTopicRegex"] = m.SubscribedTopicRegex,
                ["Assignment"] = Assignment(m.Assigned, names),
                ["TargetAssignment"] = Assignment(consumers.Target.GetValueOrDefault(m.MemberId) ?? [], names),
                ["MemberType"] = ConsumerMember,
            }));
            if (withOperations) answer["AuthorizedOperations"] = AuthorizedOperations.Group;
        }
        return answer;
    }

    private static StructValue Failed(StructValue answer, ErrorCode error, string message)
    {
        answer["ErrorCode"] = (short)error;
        answer["ErrorMessage"] = message;
        answer["GroupState"] = "";
        answer["AssignorName"] = "";
        return answer;
    }

    private static StructValue Assignment(IEnumerable<TopicIdPartition> partitions, Dictionary<Guid, string> names) => new()
    {
        ["TopicPartitions"] = StructValue.List(partitions.GroupBy(tp => tp.TopicId).OrderBy(g => names.GetValueOrDefault(g.Key), StringComparer.Ordinal)
            .Select(g => new StructValue
            {
                ["TopicId"] = g.Key, ["TopicName"] = names.GetValueOrDefault(g.Key) ?? "",
                ["Partitions"] = StructValue.List(g.Select(tp => tp.Partition).Order()),
            })),
    };
}
