using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>OffsetDelete v0: removes committed offsets of partitions the group no longer consumes.</summary>
internal sealed class OffsetDeleteApi : ApiHandler
{
    public override ApiKey Key => ApiKey.OffsetDelete;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("OffsetDeleteRequest", "0", "none",
        String("GroupId"),
        Array("Topics", "0+", String("Name"), Array("Partitions", "0+", Int32("PartitionIndex"))));
    public override short MaxVersion => 0;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        string groupId = request.ReadString();
        var topics = request.ReadArray(r => (Topic: r.ReadString(), Partitions: r.ReadArray(p => p.ReadInt32())));
        var (groupError, results) = context.Broker.Groups.DeleteOffsets(groupId, topics);
        response.WriteErrorCode(groupError);
        response.WriteInt32(0);
        var byTopic = results.GroupBy(r => r.Topic).ToList();
        response.WriteArrayLength(byTopic.Count);
        foreach (var topic in byTopic)
        {
            response.WriteString(topic.Key);
            response.WriteArrayLength(topic.Count());
            foreach (var (_, partition, error) in topic)
            {
                response.WriteInt32(partition);
                response.WriteErrorCode(error);
            }
        }
        return ValueTask.FromResult(true);
    }
}
