namespace ControlCenter.Broker.Storage;

/// <summary>A topic as the broker serves it: identity, dynamic configs and one log per partition.</summary>
internal sealed class TopicState(string name, Guid id, bool isInternal)
{
    public string Name { get; } = name;
    public Guid Id { get; } = id;
    public bool IsInternal { get; } = isInternal;

    /// <summary>Replicas per partition: always 1 on this single broker, checked against min.insync.replicas.</summary>
    public short ReplicationFactor { get; init; } = 1;

    /// <summary>Topic-level overrides only (DYNAMIC_TOPIC_CONFIG); defaults come from the broker.</summary>
    public IReadOnlyDictionary<string, string> Configs { get; set; } = new Dictionary<string, string>();
    public LogConfig LogConfig { get; set; } = LogConfig.Default;

    /// <summary>Copy-on-write: CreatePartitions swaps in a longer array.</summary>
    public UnifiedLog[] Partitions { get; set; } = [];
}
