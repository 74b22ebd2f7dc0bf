using ControlCenter.Broker.Groups;
using ControlCenter.Broker.Groups.Consumer;
using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.Broker.Server;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// ConsumerGroupHeartbeat v0–1 (KIP-848): a member joins (epoch 0), heartbeats (its epoch),
/// leaves (-1) or steps away as a static member (-2); each answer carries its epoch and, when it
/// changed, the partitions it may use now. v1 members choose their own member id (KIP-1082) and
/// may subscribe by regular expression.
/// </summary>
internal sealed class ConsumerGroupHeartbeatApi : DefinedApi
{
    public override ApiKey Key => ApiKey.ConsumerGroupHeartbeat;

    public override MessageSpec Request { get; } = Message("ConsumerGroupHeartbeatRequest", "0-1", "0+",
        String("GroupId"),
        String("MemberId"),
        Int32("MemberEpoch"),
        String("InstanceId").NullableIn("0+"),
        String("RackId").NullableIn("0+"),
        Int32("RebalanceTimeoutMs").WithDefault(-1),
        ArrayOf(FieldKind.String, "SubscribedTopicNames").NullableIn("0+"),
        String("SubscribedTopicRegex", "1+").NullableIn("1+"),
        String("ServerAssignor").NullableIn("0+"),
        Array("TopicPartitions", "0+", Uuid("TopicId"), ArrayOf(FieldKind.Int32, "Partitions")).NullableIn("0+"));

    public override MessageSpec Response { get; } = Message("ConsumerGroupHeartbeatResponse", "0-1", "0+",
        Int32("ThrottleTimeMs"),
        Int16("ErrorCode"),
        String("ErrorMessage").NullableIn("0+"),
        String("MemberId").NullableIn("0+"),
        Int32("MemberEpoch"),
        Int32("HeartbeatIntervalMs"),
        Struct("Assignment", "0+",
            Array("TopicPartitions", "0+", Uuid("TopicId"), ArrayOf(FieldKind.Int32, "Partitions"))).NullableIn("0+"));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var owned = request.Structs("TopicPartitions")?
            .SelectMany(t => (t.Array<int>("Partitions") ?? []).Select(p => new TopicIdPartition(t.Uuid("TopicId"), p))).ToHashSet();
        var result = context.Broker.Groups.ConsumerGroupHeartbeat(new ConsumerHeartbeat(
            request.String("GroupId") ?? "", request.String("MemberId") ?? "", request.Int32("MemberEpoch"),
            request.String("InstanceId"), request.String("RackId"), request.Int32("RebalanceTimeoutMs"),
            request.Array<string>("SubscribedTopicNames"), request.String("SubscribedTopicRegex"), request.String("ServerAssignor"),
            owned, context.Header.ClientId ?? "", "/" + context.ClientHost));
        var response = new StructValue
        {
            ["ErrorCode"] = (short)result.Error, ["ErrorMessage"] = result.Message, ["MemberId"] = result.MemberId,
            ["MemberEpoch"] = result.MemberEpoch, ["HeartbeatIntervalMs"] = result.HeartbeatIntervalMs,
        };
        if (result.Assignment is { } assignment)
            response["Assignment"] = new StructValue { ["TopicPartitions"] = TopicPartitions(assignment) };
        return ValueTask.FromResult(response);
    }

    /// <summary>Partitions grouped by topic id, in a stable order.</summary>
    public static List<object?> TopicPartitions(IEnumerable<TopicIdPartition> partitions) =>
        StructValue.List(partitions.GroupBy(tp => tp.TopicId).OrderBy(g => g.Key).Select(g => new StructValue
        {
            ["TopicId"] = g.Key, ["Partitions"] = StructValue.List(g.Select(tp => tp.Partition).Order()),
        }));
}
