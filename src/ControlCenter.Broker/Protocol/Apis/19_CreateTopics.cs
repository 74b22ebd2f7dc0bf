using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>CreateTopics v0–4, with validate_only (v1+) and per-topic error messages.</summary>
internal sealed class CreateTopicsApi : ApiHandler
{
    public override ApiKey Key => ApiKey.CreateTopics;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("CreateTopicsRequest", "0-7", "5+",
        Array("Topics", "0+",
            String("Name"),
            Int32("NumPartitions"),
            Int16("ReplicationFactor"),
            Array("Assignments", "0+", Int32("PartitionIndex"), ArrayOf(FieldKind.Int32, "BrokerIds")),
            Array("Configs", "0+", String("Name"), String("Value").NullableIn("0+"))),
        Int32("TimeoutMs"),
        Bool("ValidateOnly", "1+"));
    public override short MaxVersion => 4;

    private sealed record Creatable(string Name, int Partitions, short ReplicationFactor,
        List<(int Partition, List<int> Brokers)> Assignments, List<(string Name, string? Value)> Configs);

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        short v = context.Version;
        var topics = request.ReadArray(r => new Creatable(
            r.ReadString(), r.ReadInt32(), r.ReadInt16(),
            r.ReadArray(a => (a.ReadInt32(), a.ReadArray(b => b.ReadInt32()))),
            r.ReadArray(c => (c.ReadString(), c.ReadNullableString()))));
        request.ReadInt32(); // timeout
        bool validateOnly = v >= 1 && request.ReadBool();

        var duplicates = topics.GroupBy(t => t.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        if (v >= 2) response.WriteInt32(0);
        response.WriteArrayLength(topics.Count);
        foreach (var topic in topics)
        {
            var (error, message) = duplicates.Contains(topic.Name)
                ? (ErrorCode.InvalidRequest, $"Create topics request from client contains a duplicate topic '{topic.Name}'")
                : Create(context, topic, validateOnly);
            response.WriteString(topic.Name);
            response.WriteErrorCode(error);
            if (v >= 1) response.WriteNullableString(message);
        }
        return ValueTask.FromResult(true);
    }

    private static (ErrorCode, string?) Create(RequestContext context, Creatable topic, bool validateOnly)
    {
        try
        {
            int partitions = topic.Partitions;
            short rf = topic.ReplicationFactor;
            if (topic.Assignments.Count > 0)
            {
                if (partitions != -1 || rf != -1)
                    return (ErrorCode.InvalidRequest, "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.");
                if (topic.Assignments.Any(a => a.Brokers.Count != 1 || a.Brokers[0] != context.Broker.NodeId)
                    || !topic.Assignments.Select(a => a.Partition).Order().SequenceEqual(Enumerable.Range(0, topic.Assignments.Count)))
                    return (ErrorCode.InvalidReplicaAssignment, $"Replica assignments must place each partition 0..n-1 on broker {context.Broker.NodeId} only.");
                partitions = topic.Assignments.Count;
                rf = 1;
            }
            var duplicateConfig = topic.Configs.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
            if (duplicateConfig is not null) return (ErrorCode.InvalidConfig, $"Duplicate config {duplicateConfig.Key}");
            context.Broker.Logs.CreateTopic(topic.Name, partitions, rf,
                topic.Configs.ToDictionary(c => c.Name, c => c.Value), validateOnly);
            return (ErrorCode.None, null);
        }
        catch (KafkaErrorException e)
        {
            return (e.Code, e.Message);
        }
    }
}
