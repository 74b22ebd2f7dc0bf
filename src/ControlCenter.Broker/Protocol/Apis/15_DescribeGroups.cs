using ControlCenter.Broker.Groups;
using ControlCenter.Broker.Groups.Consumer;
using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// DescribeGroups v0–4. Unknown groups are reported as "Dead" without an error, as Kafka does;
/// member metadata and assignments are included only while the group is Stable.
/// </summary>
internal sealed class DescribeGroupsApi : ApiHandler
{
    public override ApiKey Key => ApiKey.DescribeGroups;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("DescribeGroupsRequest", "0-5", "5+",
        ArrayOf(FieldKind.String, "Groups"),
        Bool("IncludeAuthorizedOperations", "3+"));
    public override short MaxVersion => 4;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        short v = context.Version;
        var groupIds = request.ReadArray(r => r.ReadString());
        if (v >= 3) request.ReadBool();
        if (v >= 1) response.WriteInt32(0);
        response.WriteArrayLength(groupIds.Count);
        foreach (var groupId in groupIds)
        {
            var group = context.Broker.Groups.Find(groupId);
            if (group is null) { WriteDead(response, v, groupId); continue; }
            lock (group)
            {
                if (group.Consumer is { } consumers) { WriteConsumerGroup(context, response, v, groupId, consumers); continue; }
                bool stable = group.State == GroupState.Stable;
                response.WriteErrorCode(ErrorCode.None);
                response.WriteString(groupId);
                response.WriteString(group.State.ToString());
                response.WriteString(group.ProtocolType ?? "");
                response.WriteString(stable ? group.ProtocolName ?? "" : "");
                response.WriteArrayLength(group.Members.Count);
                foreach (var m in group.Members.Values)
                {
                    response.WriteString(m.MemberId);
                    if (v >= 4) response.WriteNullableString(m.GroupInstanceId);
                    response.WriteString(m.ClientId);
                    response.WriteString(m.ClientHost);
                    response.WriteBytes(stable ? m.MetadataFor(group.ProtocolName) : []);
                    response.WriteBytes(stable ? m.Assignment : []);
                }
                if (v >= 3) response.WriteInt32(int.MinValue);
            }
        }
        return ValueTask.FromResult(true);
    }

    /// <summary>
    /// A consumer-protocol group seen through the classic API (as Kafka does for older admin
    /// clients): its own state, protocol type "consumer", the assignor as protocol, and each
    /// member's subscription and current assignment in the consumer protocol's classic encoding.
    /// </summary>
    private static void WriteConsumerGroup(RequestContext context, KafkaWriter response, short v, string groupId, ConsumerGroup consumers)
    {
        var names = context.Broker.Logs.Topics.ToDictionary(t => t.Id, t => t.Name);
        response.WriteErrorCode(ErrorCode.None);
        response.WriteString(groupId);
        response.WriteString(consumers.StateName);
        response.WriteString("consumer");
        response.WriteString(consumers.AssignorName);
        response.WriteArrayLength(consumers.Members.Count);
        foreach (var m in consumers.Members.Values)
        {
            response.WriteString(m.MemberId);
            if (v >= 4) response.WriteNullableString(m.InstanceId);
            response.WriteString(m.ClientId);
            response.WriteString(m.ClientHost);
            response.WriteBytes(ConsumerProtocol.Subscription(m.SubscribedTopicNames));
            response.WriteBytes(ConsumerProtocol.Assignment(m.Assigned.Where(tp => names.ContainsKey(tp.TopicId)).Select(tp => (names[tp.TopicId], tp.Partition))));
        }
        if (v >= 3) response.WriteInt32(int.MinValue);
    }

    private static void WriteDead(KafkaWriter response, short v, string groupId)
    {
        response.WriteErrorCode(ErrorCode.None);
        response.WriteString(groupId);
        response.WriteString(nameof(GroupState.Dead));
        response.WriteString("");
        response.WriteString("");
        response.WriteArrayLength(0);
        if (v >= 3) response.WriteInt32(int.MinValue);
    }
}
