using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// ListOffsets v0–5: -1 latest (high watermark), -2 earliest (log start), -3 the record with
/// the max timestamp (KIP-734), otherwise the first record at or after a timestamp, found
/// through the time index. v0 answers with a list of offsets.
/// </summary>
internal sealed class ListOffsetsApi : ApiHandler
{
    public override ApiKey Key => ApiKey.ListOffsets;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("ListOffsetsRequest", "0-9", "6+",
        Int32("ReplicaId"),
        Int8("IsolationLevel", "2+"),
        Array("Topics", "0+",
            String("Name"),
            Array("Partitions", "0+",
                Int32("PartitionIndex"),
                Int32("CurrentLeaderEpoch", "4+"),
                Int64("Timestamp"),
                Int32("MaxNumOffsets", "0"))));
    public override short MaxVersion => 5;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        short v = context.Version;
        request.ReadInt32(); // replica id
        if (v >= 2) request.ReadInt8(); // isolation level: LSO equals HWM without transactions
        var topics = request.ReadArray(r => (Name: r.ReadString(), Partitions: r.ReadArray(p =>
        {
            int partition = p.ReadInt32();
            if (v >= 4) p.ReadInt32(); // current leader epoch
            long timestamp = p.ReadInt64();
            if (v == 0) p.ReadInt32(); // max num offsets
            return (Partition: partition, Timestamp: timestamp);
        })));

        if (v >= 2) response.WriteInt32(0);
        response.WriteArrayLength(topics.Count);
        foreach (var (name, partitions) in topics)
        {
            response.WriteString(name);
            response.WriteArrayLength(partitions.Count);
            foreach (var (partition, timestamp) in partitions)
            {
                var log = context.Broker.Logs.GetLog(name, partition);
                var error = ErrorCode.None;
                (long Timestamp, long Offset)? found = null;
                if (log is null) error = ErrorCode.UnknownTopicOrPartition;
                else if (timestamp < -3) error = ErrorCode.InvalidRequest;
                else found = log.FetchOffsetByTimestamp(timestamp);

                response.WriteInt32(partition);
                response.WriteErrorCode(error);
                if (v == 0)
                {
                    long offset = found?.Offset ?? log?.HighWatermark ?? -1;
                    if (error != ErrorCode.None) response.WriteArrayLength(0);
                    else { response.WriteArrayLength(1); response.WriteInt64(offset); }
                    continue;
                }
                response.WriteInt64(error == ErrorCode.None ? found?.Timestamp ?? -1 : -1);
                response.WriteInt64(error == ErrorCode.None ? found?.Offset ?? -1 : -1);
                if (v >= 4) response.WriteInt32(error == ErrorCode.None && found is not null ? 0 : -1);
            }
        }
        return ValueTask.FromResult(true);
    }
}
