using ControlCenter.Broker.Config;
using ControlCenter.Broker.Server;
using ControlCenter.Broker.Storage;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// CreateTopics v0–7, served from its definition: validate_only (v1+), per-topic error messages;
/// v5+ (flexible) answers each created or validated topic with its partitions, replication factor
/// and every config with its source, as DescribeConfigs would; v7 adds the new topic's id.
/// </summary>
internal sealed class CreateTopicsApi : DefinedApi
{
    public override ApiKey Key => ApiKey.CreateTopics;

    public override MessageSpec Request { get; } = Message("CreateTopicsRequest", "0-7", "5+",
        Array("Topics", "0+",
            String("Name"),
            Int32("NumPartitions"),
            Int16("ReplicationFactor"),
            Array("Assignments", "0+", Int32("PartitionIndex"), ArrayOf(FieldKind.Int32, "BrokerIds")),
            Array("Configs", "0+", String("Name"), String("Value").NullableIn("0+"))),
        Int32("TimeoutMs"),
        Bool("ValidateOnly", "1+"));

    public override MessageSpec Response { get; } = Message("CreateTopicsResponse", "0-7", "5+",
        Int32("ThrottleTimeMs", "2+"),
        Array("Topics", "0+",
            String("Name"),
            Uuid("TopicId", "7+"),
            Int16("ErrorCode"),
            String("ErrorMessage", "1+").NullableIn("0+"),
            Int16("TopicConfigErrorCode", "5+").TaggedAs(0, "5+"),
            Int32("NumPartitions", "5+").WithDefault(-1),
            Int16("ReplicationFactor", "5+").WithDefault((short)-1),
            Array("Configs", "5+",
                String("Name"),
                String("Value").NullableIn("5+"),
                Bool("ReadOnly"),
                Int8("ConfigSource").WithDefault((sbyte)-1),
                Bool("IsSensitive")).NullableIn("5+")));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var topics = request.Structs("Topics") ?? [];
        bool validateOnly = request.Bool("ValidateOnly");
        var duplicates = topics.GroupBy(t => t.String("Name")).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var answers = topics.Select(topic =>
        {
            string name = topic.String("Name") ?? "";
            return duplicates.Contains(name)
                ? Failed(name, ErrorCode.InvalidRequest, $"Create topics request from client contains a duplicate topic '{name}'")
                : Create(context, topic, name, validateOnly);
        });
        return ValueTask.FromResult(new StructValue { ["Topics"] = StructValue.List(answers) });
    }

    private static StructValue Create(RequestContext context, StructValue request, string name, bool validateOnly)
    {
        int partitions = request.Int32("NumPartitions");
        short rf = request.Int16("ReplicationFactor");
        var assignments = request.Structs("Assignments") ?? [];
        var configs = (request.Structs("Configs") ?? []).Select(c => (Name: c.String("Name") ?? "", Value: c.String("Value"))).ToList();
        int node = context.Broker.NodeId;
        List<int[]>? placement = null;
        if (assignments.Count > 0)
        {
            if (partitions != -1 || rf != -1)
                return Failed(name, ErrorCode.InvalidRequest, "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.");
            if (!assignments.Select(a => a.Int32("PartitionIndex")).Order().SequenceEqual(Enumerable.Range(0, assignments.Count)))
                return Failed(name, ErrorCode.InvalidReplicaAssignment, "Replica assignments must name partitions 0..n-1, each once.");
            if (context.Broker.Controller is null && assignments.Any(a => a.Array<int>("BrokerIds") is not [var only] || only != node))
                return Failed(name, ErrorCode.InvalidReplicaAssignment, $"Replica assignments must place each partition 0..n-1 on broker {node} only.");
            placement = assignments.OrderBy(a => a.Int32("PartitionIndex")).Select(a => (a.Array<int>("BrokerIds") ?? []).ToArray()).ToList();
            partitions = assignments.Count;
            rf = (short)placement[0].Length;
        }
        var duplicateConfig = configs.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicateConfig is not null) return Failed(name, ErrorCode.InvalidConfig, $"Duplicate config {duplicateConfig.Key}");
        try
        {
            var logs = context.Broker.Logs;
            var requested = configs.ToDictionary(c => c.Name, c => c.Value);
            TopicState? created;
            if (placement is not null && context.Broker.Controller is { } controller)
            {
                // A cluster takes the replicas as given (the controller checks every node exists).
                controller.CreateTopic(name, partitions, rf, requested, validateOnly, assignments: placement);
                created = validateOnly ? null : logs.GetTopic(name);
            }
            else created = logs.CreateTopic(name, partitions, rf, requested, validateOnly);
            var overrides = created?.Configs ?? configs.Where(c => c.Value is not null).ToDictionary(c => c.Name, c => c.Value!);
            return new StructValue
            {
                ["Name"] = name,
                ["TopicId"] = created?.Id ?? Guid.Empty,
                ["NumPartitions"] = created?.Partitions.Length ?? (partitions == -1 ? logs.BrokerConfig.NumPartitions : partitions),
                ["ReplicationFactor"] = created?.ReplicationFactor ?? (rf == -1 ? (short)1 : rf),
                ["Configs"] = StructValue.List(DescribeConfigsApi.DescribeTopic(context.Broker, overrides).Select(Config)),
            };
        }
        catch (KafkaErrorException e)
        {
            return Failed(name, e.Code, e.Message);
        }
    }

    private static StructValue Config(DescribedConfig c) => new()
    {
        ["Name"] = c.Key.Name,
        ["Value"] = c.Key.Sensitive ? null : c.Value,
        ["ReadOnly"] = c.Key.ReadOnly,
        ["ConfigSource"] = (sbyte)c.Source,
        ["IsSensitive"] = c.Key.Sensitive,
    };

    private static StructValue Failed(string name, ErrorCode error, string message) =>
        new() { ["Name"] = name, ["ErrorCode"] = (short)error, ["ErrorMessage"] = message, ["Configs"] = null };
}
