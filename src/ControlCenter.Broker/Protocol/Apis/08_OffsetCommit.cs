using ControlCenter.Broker.Groups;
using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>OffsetCommit v0–7, validated against the group's generation and members.</summary>
internal sealed class OffsetCommitApi : ApiHandler
{
    public override ApiKey Key => ApiKey.OffsetCommit;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("OffsetCommitRequest", "0-9", "8+",
        String("GroupId"),
        Int32("GenerationIdOrMemberEpoch", "1+"),
        String("MemberId", "1+"),
        String("GroupInstanceId", "7+").NullableIn("7+"),
        Int64("RetentionTimeMs", "2-4"),
        Array("Topics", "0+",
            String("Name"),
            Array("Partitions", "0+",
                Int32("PartitionIndex"),
                Int64("CommittedOffset"),
                Int32("CommittedLeaderEpoch", "6+"),
                Int64("CommitTimestamp", "1"),
                String("CommittedMetadata").NullableIn("0+"))));
    public override short MaxVersion => 7;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        short v = context.Version;
        string groupId = request.ReadString();
        int generation = v >= 1 ? request.ReadInt32() : -1;
        string memberId = v >= 1 ? request.ReadString() : "";
        string? instanceId = v >= 7 ? request.ReadNullableString() : null;
        if (v is >= 2 and <= 4) request.ReadInt64(); // retention time: the broker's offsets.retention.minutes applies
        var topics = request.ReadArray(r => (Name: r.ReadString(), Partitions: r.ReadArray(p =>
        {
            int partition = p.ReadInt32();
            long offset = p.ReadInt64();
            int epoch = v >= 6 ? p.ReadInt32() : -1;
            if (v == 1) p.ReadInt64(); // commit timestamp: the broker stamps commits itself
            return (Partition: partition, Offset: offset, Epoch: epoch, Metadata: p.ReadNullableString());
        })));

        var entries = topics.SelectMany(t => t.Partitions.Select(p => new OffsetCommitEntry(t.Name, p.Partition, p.Offset, p.Epoch, p.Metadata))).ToList();
        var results = context.Broker.Groups.CommitOffsets(groupId, generation, memberId, instanceId, entries);

        if (v >= 3) response.WriteInt32(0);
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
