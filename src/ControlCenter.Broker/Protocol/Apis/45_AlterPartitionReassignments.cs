using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// AlterPartitionReassignments v0–1 (KIP-455), served from its definition: moves a partition's
/// replicas to a target list (the new replicas copy the data from the leader, then the old ones
/// go) or cancels a running move (null replicas). Any node forwards to the controller. v1's
/// AllowReplicationFactorChange=false refuses a target of another size (KIP-860). A single broker
/// has nowhere to move to: only its own id is a valid target.
/// </summary>
internal sealed class AlterPartitionReassignmentsApi : DefinedApi
{
    public override ApiKey Key => ApiKey.AlterPartitionReassignments;

    public override MessageSpec Request { get; } = Message("AlterPartitionReassignmentsRequest", "0-1", "0+",
        Int32("TimeoutMs").WithDefault(60000),
        Bool("AllowReplicationFactorChange", "1+").WithDefault(true),
        Array("Topics", "0+",
            String("Name"),
            Array("Partitions", "0+", Int32("PartitionIndex"), ArrayOf(FieldKind.Int32, "Replicas").NullableIn("0+"))));

    public override MessageSpec Response { get; } = Message("AlterPartitionReassignmentsResponse", "0-1", "0+",
        Int32("ThrottleTimeMs"),
        Bool("AllowReplicationFactorChange", "1+").WithDefault(true),
        Int16("ErrorCode"),
        String("ErrorMessage").NullableIn("0+"),
        Array("Responses", "0+",
            String("Name"),
            Array("Partitions", "0+", Int32("PartitionIndex"), Int16("ErrorCode"), String("ErrorMessage").NullableIn("0+"))));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        bool allowResize = context.Version < 1 || request.Bool("AllowReplicationFactorChange");
        var responses = (request.Structs("Topics") ?? []).Select(topic =>
        {
            string name = topic.String("Name") ?? "";
            return new StructValue
            {
                ["Name"] = name,
                ["Partitions"] = StructValue.List((topic.Structs("Partitions") ?? []).Select(p =>
                {
                    int partition = p.Int32("PartitionIndex");
                    var (error, message) = Reassign(context, name, partition, p.Array<int>("Replicas")?.ToArray(), allowResize);
                    return new StructValue { ["PartitionIndex"] = partition, ["ErrorCode"] = (short)error, ["ErrorMessage"] = message };
                })),
            };
        }).ToList();
        return ValueTask.FromResult(new StructValue { ["AllowReplicationFactorChange"] = allowResize, ["Responses"] = StructValue.List(responses) });
    }

    private static (ErrorCode, string?) Reassign(RequestContext context, string topic, int partition, int[]? target, bool allowResize)
    {
        if (context.Broker.Controller is { } controller)
        {
            if (!allowResize && target is not null && controller.Image.Partition(topic, partition) is { } reg && reg.OriginalReplicas.Length != target.Length)
                return (ErrorCode.InvalidReplicationFactor,
                    $"The replication factor would change from {reg.OriginalReplicas.Length} to {target.Length}, which this request does not allow");
            return controller.AlterReassignment(topic, partition, target);
        }
        int node = context.Broker.NodeId;
        if (context.Broker.Logs.GetLog(topic, partition) is null) return (ErrorCode.UnknownTopicOrPartition, $"Unknown partition {topic}-{partition}");
        if (target is null) return (ErrorCode.NoReassignmentInProgress, $"No reassignment of {topic}-{partition} is running");
        return target is [var only] && only == node
            ? (ErrorCode.None, null)
            : (ErrorCode.InvalidReplicaAssignment, $"This cluster has one broker ({node}): it is the only valid replica list");
    }
}
