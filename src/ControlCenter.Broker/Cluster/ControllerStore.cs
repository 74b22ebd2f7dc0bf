using System.Text.Json;
using ControlCenter.LogFormat.Files;

namespace ControlCenter.Broker.Cluster;

/// <summary>
/// The controller quorum's durable state: every topic with its partitions' replicas, ISR,
/// leaders and epochs, the registered nodes and the producer id block. Kafka keeps this in
/// the replicated __cluster_metadata log; the embedded cluster writes one JSON document
/// atomically (write, fsync, rename) after every change, before the change is published.
/// </summary>
internal sealed class ControllerStore(string dir)
{
    public const string FileName = "cluster-metadata.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private sealed record Document(string ClusterId, List<BrokerRegistration> Brokers, List<TopicImage> Topics, long NextProducerIdBlock,
        Dictionary<string, Dictionary<string, string>>? BrokerConfigs = null);

    public string FilePath { get; } = Path.Combine(dir, FileName);

    public (string ClusterId, List<BrokerRegistration> Brokers, List<TopicImage> Topics, long NextProducerIdBlock,
        Dictionary<string, Dictionary<string, string>>? BrokerConfigs)? Load()
    {
        if (!File.Exists(FilePath)) return null;
        var doc = JsonSerializer.Deserialize<Document>(File.ReadAllBytes(FilePath), Json)
                  ?? throw new InvalidDataException($"{FilePath} is empty");
        return (doc.ClusterId, doc.Brokers, doc.Topics, doc.NextProducerIdBlock, doc.BrokerConfigs);
    }

    public void Save(string clusterId, ClusterImage image)
    {
        Directory.CreateDirectory(dir);
        var doc = new Document(clusterId, image.Brokers.Values.OrderBy(b => b.Id).ToList(),
            image.Topics.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToList(), image.NextProducerIdBlock,
            image.BrokerConfigs?.ToDictionary(kv => kv.Key, kv => kv.Value));
        CheckpointFile.WriteAtomically(FilePath, JsonSerializer.SerializeToUtf8Bytes(doc, Json));
    }
}
