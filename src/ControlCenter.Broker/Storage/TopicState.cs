namespace ControlCenter.Broker.Storage;

/// <summary>A topic as the broker serves it: identity, dynamic configs and one log per partition.</summary>
internal sealed class TopicState(string name, Guid id, bool isInternal)
{
    public string Name { get; } = name;
    public Guid Id { get; } = id;
    public bool IsInternal { get; } = isInternal;

    /// <summary>Replicas per partition (1 on a single broker), checked against min.insync.replicas.</summary>
    public short ReplicationFactor { get; set; } = 1;

    /// <summary>Topic-level overrides only (DYNAMIC_TOPIC_CONFIG); defaults come from the broker.</summary>
    public IReadOnlyDictionary<string, string> Configs { get; set; } = new Dictionary<string, string>();
    public LogConfig LogConfig { get; set; } = LogConfig.Default;

    /// <summary>
    /// One entry per partition, copy-on-write (CreatePartitions swaps in a longer array). In a
    /// cluster an entry is null where this node holds no replica of the partition.
    /// </summary>
    public UnifiedLog?[] Partitions { get; set; } = [];

    /// <summary>The partitions this node has a log for.</summary>
    public IEnumerable<UnifiedLog> LocalLogs => Partitions.OfType<UnifiedLog>();
}
