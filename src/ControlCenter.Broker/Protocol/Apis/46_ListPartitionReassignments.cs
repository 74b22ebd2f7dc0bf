using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// ListPartitionReassignments v0 (KIP-455), served from its definition: every running move (or
/// those of the listed partitions) with its replicas, the ones being added and the ones being
/// removed. A single broker never has one.
/// </summary>
internal sealed class ListPartitionReassignmentsApi : DefinedApi
{
    public override ApiKey Key => ApiKey.ListPartitionReassignments;

    public override MessageSpec Request { get; } = Message("ListPartitionReassignmentsRequest", "0", "0+",
        Int32("TimeoutMs").WithDefault(60000),
        Array("Topics", "0+", String("Name"), ArrayOf(FieldKind.Int32, "PartitionIndexes")).NullableIn("0+"));

    public override MessageSpec Response { get; } = Message("ListPartitionReassignmentsResponse", "0", "0+",
        Int32("ThrottleTimeMs"),
        Int16("ErrorCode"),
        String("ErrorMessage").NullableIn("0+"),
        Array("Topics", "0+",
            String("Name"),
            Array("Partitions", "0+",
                Int32("PartitionIndex"),
                ArrayOf(FieldKind.Int32, "Replicas"),
                ArrayOf(FieldKind.Int32, "AddingReplicas"),
                ArrayOf(FieldKind.Int32, "RemovingReplicas"))));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var wanted = request.Structs("Topics")?
            .SelectMany(t => (t.Array<int>("PartitionIndexes") ?? []).Select(p => (t.String("Name") ?? "", p))).ToList();
        var ongoing = context.Broker.Controller?.ListReassignments(wanted) ?? [];
        return ValueTask.FromResult(new StructValue
        {
            ["Topics"] = StructValue.List(ongoing.GroupBy(r => r.Topic).Select(t => new StructValue
            {
                ["Name"] = t.Key,
                ["Partitions"] = StructValue.List(t.Select(r => new StructValue
                {
                    ["PartitionIndex"] = r.Partition,
                    ["Replicas"] = r.Replicas.Cast<object?>().ToList(),
                    ["AddingReplicas"] = r.AddingReplicas.Cast<object?>().ToList(),
                    ["RemovingReplicas"] = r.RemovingReplicas.Cast<object?>().ToList(),
                })),
            })),
        });
    }
}
