using System.Text.Json;

namespace ControlCenter.Kafka.Clusters;

/// <summary>Options of the store of clusters added in the dashboard (section "ClusterStore").</summary>
public sealed class ClusterStoreOptions
{
    public const string SectionName = "ClusterStore";
    public string Directory { get; set; } = "clusters";
}

/// <summary>
/// The clusters an admin added in the dashboard, as one JSON file replaced whole (written aside,
/// then moved over the old one). Their Client settings may hold credentials: the file is the
/// dashboard's to protect, like appsettings.
/// </summary>
public sealed class ClusterStore(string directory)
{
    public const string FileName = "clusters.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetFullPath(directory), FileName);

    public Dictionary<string, KafkaOptions> Load()
    {
        if (!File.Exists(Path)) return new(StringComparer.Ordinal);
        try { return JsonSerializer.Deserialize<Dictionary<string, KafkaOptions>>(File.ReadAllText(Path), Json) ?? new(StringComparer.Ordinal); }
        catch (JsonException e) { throw new InvalidOperationException($"{Path} is not valid ({e.Message}); fix or remove it.", e); }
    }

    public void Save(IReadOnlyDictionary<string, KafkaOptions> clusters)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        string temp = Path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(clusters, Json));
        File.Move(temp, Path, overwrite: true);
    }
}
