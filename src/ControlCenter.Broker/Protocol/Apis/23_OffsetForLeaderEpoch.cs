using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// OffsetForLeaderEpoch v0–3. This node has always led with epoch 0, so epoch 0 ends at the
/// log end offset, later epochs are unknown, and a client's current epoch other than 0 is fenced.
/// </summary>
internal sealed class OffsetForLeaderEpochApi : ApiHandler
{
    public override ApiKey Key => ApiKey.OffsetForLeaderEpoch;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("OffsetForLeaderEpochRequest", "0-4", "4+",
        Int32("ReplicaId", "3+"),
        Array("Topics", "0+",
            String("Topic"),
            Array("Partitions", "0+", Int32("Partition"), Int32("CurrentLeaderEpoch", "2+"), Int32("LeaderEpoch"))));
    public override short MaxVersion => 3;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        short v = context.Version;
        if (v >= 3) request.ReadInt32(); // replica id
        var topics = request.ReadArray(r => (Name: r.ReadString(), Partitions: r.ReadArray(p =>
        {
            int partition = p.ReadInt32();
            int current = v >= 2 ? p.ReadInt32() : -1;
            return (Partition: partition, Current: current, Epoch: p.ReadInt32());
        })));
        if (v >= 2) response.WriteInt32(0);
        response.WriteArrayLength(topics.Count);
        foreach (var (name, partitions) in topics)
        {
            response.WriteString(name);
            response.WriteArrayLength(partitions.Count);
            foreach (var (partition, current, epoch) in partitions)
            {
                var log = context.Broker.Logs.GetLog(name, partition);
                var error = log is null ? ErrorCode.UnknownTopicOrPartition
                    : current > 0 ? ErrorCode.UnknownLeaderEpoch
                    : ErrorCode.None;
                bool known = error == ErrorCode.None && epoch == 0;
                response.WriteErrorCode(error);
                response.WriteInt32(partition);
                if (v >= 1) response.WriteInt32(known ? 0 : -1);
                response.WriteInt64(known ? log!.LogEndOffset : -1);
            }
        }
        return ValueTask.FromResult(true);
    }
}
