using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>OffsetDelete v0 (Kafka 4.1's only version), served from its definition: removes committed offsets of partitions the group no longer consumes.</summary>
internal sealed class OffsetDeleteApi : DefinedApi
{
    public override ApiKey Key => ApiKey.OffsetDelete;

    public override MessageSpec Request { get; } = Message("OffsetDeleteRequest", "0", "none",
        String("GroupId"),
        Array("Topics", "0+", String("Name"), Array("Partitions", "0+", Int32("PartitionIndex"))));

    public override MessageSpec Response { get; } = Message("OffsetDeleteResponse", "0", "none",
        Int16("ErrorCode"),
        Int32("ThrottleTimeMs"),
        Array("Topics", "0+", String("Name"), Array("Partitions", "0+", Int32("PartitionIndex"), Int16("ErrorCode"))));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var topics = (request.Structs("Topics") ?? [])
            .Select(t => (t.String("Name") ?? "", (t.Structs("Partitions") ?? []).Select(p => p.Int32("PartitionIndex")).ToList())).ToList();
        var (groupError, results) = context.Broker.Groups.DeleteOffsets(request.String("GroupId") ?? "", topics);
        return ValueTask.FromResult(new StructValue
        {
            ["ErrorCode"] = (short)groupError,
            ["Topics"] = StructValue.List(results.GroupBy(r => r.Topic).Select(topic => new StructValue
            {
                ["Name"] = topic.Key,
                ["Partitions"] = StructValue.List(topic.Select(r => new StructValue { ["PartitionIndex"] = r.Partition, ["ErrorCode"] = (short)r.Error })),
            })),
        });
    }
}
