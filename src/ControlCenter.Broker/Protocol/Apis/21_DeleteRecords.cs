using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>DeleteRecords v0–1: moves each partition's log start offset; -1 means up to the high watermark.</summary>
internal sealed class DeleteRecordsApi : ApiHandler
{
    public override ApiKey Key => ApiKey.DeleteRecords;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("DeleteRecordsRequest", "0-2", "2+",
        Array("Topics", "0+",
            String("Name"),
            Array("Partitions", "0+", Int32("PartitionIndex"), Int64("Offset"))),
        Int32("TimeoutMs"));
    public override short MaxVersion => 1;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        var topics = request.ReadArray(r => (Name: r.ReadString(), Partitions: r.ReadArray(p => (Partition: p.ReadInt32(), Offset: p.ReadInt64()))));
        request.ReadInt32(); // timeout
        response.WriteInt32(0);
        response.WriteArrayLength(topics.Count);
        foreach (var (name, partitions) in topics)
        {
            response.WriteString(name);
            response.WriteArrayLength(partitions.Count);
            foreach (var (partition, offset) in partitions)
            {
                long lowWatermark = -1;
                var error = ErrorCode.None;
                var log = context.Broker.Logs.GetLog(name, partition);
                if (log is null) error = ErrorCode.UnknownTopicOrPartition;
                else
                {
                    try { lowWatermark = log.DeleteRecordsBefore(offset); }
                    catch (KafkaErrorException e) { error = e.Code; }
                }
                response.WriteInt32(partition);
                response.WriteInt64(lowWatermark);
                response.WriteErrorCode(error);
            }
        }
        return ValueTask.FromResult(true);
    }
}
