using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>OffsetFetch v0–5; v2+ accepts a null topic list meaning "every partition the group committed".</summary>
internal sealed class OffsetFetchApi : ApiHandler
{
    public override ApiKey Key => ApiKey.OffsetFetch;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("OffsetFetchRequest", "0-7", "6+",
        String("GroupId"),
        Array("Topics", "0+", String("Name"), ArrayOf(FieldKind.Int32, "PartitionIndexes")).NullableIn("2+"),
        Bool("RequireStable", "7+"));
    public override short MaxVersion => 5;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        short v = context.Version;
        string groupId = request.ReadString();
        var topics = request.ReadNullableArray(r => (Topic: r.ReadString(), Partitions: r.ReadArray(p => p.ReadInt32())));
        if (topics is null && v < 2) throw new LogFormat.ProtocolException("OffsetFetch below v2 needs a topic list");
        var result = context.Broker.Groups.FetchOffsets(groupId, topics);

        if (v >= 3) response.WriteInt32(0);
        response.WriteArrayLength(result.Count);
        foreach (var (topic, partitions) in result)
        {
            response.WriteString(topic);
            response.WriteArrayLength(partitions.Count);
            foreach (var (partition, offset) in partitions)
            {
                response.WriteInt32(partition);
                response.WriteInt64(offset?.Offset ?? -1);
                if (v >= 5) response.WriteInt32(offset?.LeaderEpoch ?? -1);
                response.WriteNullableString(offset?.Metadata ?? "");
                response.WriteErrorCode(ErrorCode.None);
            }
        }
        if (v >= 2) response.WriteErrorCode(ErrorCode.None);
        return ValueTask.FromResult(true);
    }
}
