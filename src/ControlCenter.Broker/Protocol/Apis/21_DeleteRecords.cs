using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>DeleteRecords v0–2, served from its definition: moves each partition's log start offset; -1 means up to the high watermark.</summary>
internal sealed class DeleteRecordsApi : DefinedApi
{
    public override ApiKey Key => ApiKey.DeleteRecords;

    public override MessageSpec Request { get; } = Message("DeleteRecordsRequest", "0-2", "2+",
        Array("Topics", "0+",
            String("Name"),
            Array("Partitions", "0+", Int32("PartitionIndex"), Int64("Offset"))),
        Int32("TimeoutMs"));

    public override MessageSpec Response { get; } = Message("DeleteRecordsResponse", "0-2", "2+",
        Int32("ThrottleTimeMs"),
        Array("Topics", "0+",
            String("Name"),
            Array("Partitions", "0+", Int32("PartitionIndex"), Int64("LowWatermark"), Int16("ErrorCode"))));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var topics = (request.Structs("Topics") ?? []).Select(t =>
        {
            string name = t.String("Name") ?? "";
            return new StructValue
            {
                ["Name"] = name,
                ["Partitions"] = StructValue.List((t.Structs("Partitions") ?? []).Select(p => Delete(context, name, p.Int32("PartitionIndex"), p.Int64("Offset")))),
            };
        });
        return ValueTask.FromResult(new StructValue { ["Topics"] = StructValue.List(topics) });
    }

    private static StructValue Delete(RequestContext context, string topic, int partition, long offset)
    {
        var answer = new StructValue { ["PartitionIndex"] = partition, ["LowWatermark"] = -1L };
        var log = context.Broker.Logs.GetLog(topic, partition);
        if (log is null) answer["ErrorCode"] = (short)ErrorCode.UnknownTopicOrPartition;
        else
        {
            try { answer["LowWatermark"] = log.DeleteRecordsBefore(offset); }
            catch (KafkaErrorException e) { answer["ErrorCode"] = (short)e.Code; }
        }
        return answer;
    }
}
