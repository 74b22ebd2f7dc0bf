using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// WriteTxnMarkers v0–1, served from its definition: a transaction coordinator on another node
/// asks this node to write COMMIT/ABORT markers into partitions it leads. Answered per
/// partition once its in-sync replicas have the marker (NOT_LEADER_OR_FOLLOWER: ask the new leader).
/// </summary>
internal sealed class WriteTxnMarkersApi : DefinedApi
{
    public override ApiKey Key => ApiKey.WriteTxnMarkers;

    public override MessageSpec Request { get; } = Message("WriteTxnMarkersRequest", "0-1", "1+",
        Array("Markers", "0+",
            Int64("ProducerId"),
            Int16("ProducerEpoch"),
            Bool("TransactionResult"),
            Array("Topics", "0+", String("Name"), ArrayOf(FieldKind.Int32, "PartitionIndexes")),
            Int32("CoordinatorEpoch")));

    public override MessageSpec Response { get; } = Message("WriteTxnMarkersResponse", "0-1", "1+",
        Array("Markers", "0+",
            Int64("ProducerId"),
            Array("Topics", "0+", String("Name"), Array("Partitions", "0+", Int32("PartitionIndex"), Int16("ErrorCode")))));

    protected override async ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var markers = new List<object?>();
        foreach (var marker in request.Structs("Markers") ?? [])
        {
            long producerId = marker.Int64("ProducerId");
            short epoch = marker.Int16("ProducerEpoch");
            bool commit = marker.Bool("TransactionResult");
            var topics = new List<object?>();
            foreach (var topic in marker.Structs("Topics") ?? [])
            {
                string name = topic.String("Name") ?? "";
                var partitions = new List<object?>();
                foreach (int p in topic.Array<int>("PartitionIndexes") ?? [])
                {
                    var error = await context.Broker.Transactions.Markers.WriteLocalAsync(name, p, producerId, epoch, commit, context.Cancellation);
                    partitions.Add(new StructValue { ["PartitionIndex"] = p, ["ErrorCode"] = (short)error });
                }
                topics.Add(new StructValue { ["Name"] = name, ["Partitions"] = partitions });
            }
            markers.Add(new StructValue { ["ProducerId"] = producerId, ["Topics"] = topics });
        }
        return new StructValue { ["Markers"] = markers };
    }
}
