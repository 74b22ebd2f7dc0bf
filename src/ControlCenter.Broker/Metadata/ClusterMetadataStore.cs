using System.Text.Json;
using ControlCenter.LogFormat.Files;

namespace ControlCenter.Broker.Metadata;

/// <summary>What the controller would keep in KRaft for one topic.</summary>
public sealed record TopicRecord(string Name, Guid Id, int Partitions, Dictionary<string, string> Configs, bool IsInternal);

/// <summary>
/// The cluster metadata a KRaft controller would hold (topics, their ids, configs, partition
/// counts, the producer id block). Kafka keeps this in the __cluster_metadata log; the
/// embedded broker keeps it in one JSON file written atomically beside the partition dirs.
/// </summary>
internal sealed class ClusterMetadataStore(string dataDir)
{
    public const string FileName = "embedded-cluster-metadata.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private sealed record Document(List<TopicRecord> Topics, long NextProducerIdBlock);

    public string FilePath { get; } = Path.Combine(dataDir, FileName);

    public (List<TopicRecord> Topics, long NextProducerIdBlock)? Load()
    {
        if (!File.Exists(FilePath)) return null;
        var doc = JsonSerializer.Deserialize<Document>(File.ReadAllBytes(FilePath), Json)
                  ?? throw new InvalidDataException($"{FilePath} is empty");
        return (doc.Topics, doc.NextProducerIdBlock);
    }

    public void Save(IEnumerable<TopicRecord> topics, long nextProducerIdBlock) =>
        CheckpointFile.WriteAtomically(FilePath,
            JsonSerializer.SerializeToUtf8Bytes(new Document(topics.OrderBy(t => t.Name, StringComparer.Ordinal).ToList(), nextProducerIdBlock), Json));
}
