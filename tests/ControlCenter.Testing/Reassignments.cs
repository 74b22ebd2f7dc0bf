using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Protocol.Messages;

namespace ControlCenter.Testing;

/// <summary>AlterPartitionReassignments and ListPartitionReassignments as an admin client sends them (Confluent.Kafka has no API for either).</summary>
public static class Reassignments
{
    /// <summary>Sends AlterPartitionReassignments v1 for one partition and returns its (top-level or partition) error.</summary>
    public static async Task<(ErrorCode Error, string? Message)> AlterAsync(string bootstrap, string topic, int partition, int[]? replicas, bool allowResize = true)
    {
        var response = await RawKafkaClient.SendDefinedAsync(bootstrap, ApiKey.AlterPartitionReassignments, 1, new StructValue
        {
            ["TimeoutMs"] = 30000,
            ["AllowReplicationFactorChange"] = allowResize,
            ["Topics"] = StructValue.List([new StructValue
            {
                ["Name"] = topic,
                ["Partitions"] = StructValue.List([new StructValue { ["PartitionIndex"] = partition, ["Replicas"] = replicas?.Cast<object?>().ToList() }]),
            }]),
        });
        if ((ErrorCode)response.Int16("ErrorCode") is var top and not ErrorCode.None) return (top, response.String("ErrorMessage"));
        var p = response.Structs("Responses")!.Single().Structs("Partitions")!.Single();
        return ((ErrorCode)p.Int16("ErrorCode"), p.String("ErrorMessage"));
    }

    public static async Task<List<(string Topic, int Partition, int[] Replicas, int[] Adding, int[] Removing)>> ListAsync(string bootstrap)
    {
        var response = await RawKafkaClient.SendDefinedAsync(bootstrap, ApiKey.ListPartitionReassignments, 0, new StructValue { ["TimeoutMs"] = 30000, ["Topics"] = null });
        return (response.Structs("Topics") ?? []).SelectMany(t => (t.Structs("Partitions") ?? []).Select(p => (t.String("Name")!, p.Int32("PartitionIndex"),
            p.Array<int>("Replicas")!.ToArray(), p.Array<int>("AddingReplicas")!.ToArray(), p.Array<int>("RemovingReplicas")!.ToArray()))).ToList();
    }
}
