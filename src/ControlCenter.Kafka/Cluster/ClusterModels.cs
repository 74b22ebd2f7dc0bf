namespace ControlCenter.Kafka.Cluster;

/// <summary>
/// A broker as the monitor sees it. <see cref="IsOnline"/> is false for a broker the metadata no
/// longer lists (Kafka lists live brokers only) but that partitions still name as a replica.
/// <see cref="Leaders"/> and <see cref="Replicas"/> count the partitions it leads and holds;
/// <see cref="OutOfSync"/> those where it is a replica outside the ISR.
/// </summary>
public sealed record BrokerInfo(int Id, string Host, int Port, string? Rack, bool IsController)
{
    public bool IsOnline { get; init; } = true;
    public int Leaders { get; init; }
    public int Replicas { get; init; }
    public int OutOfSync { get; init; }
}

public sealed record TopicSummary(string Name, int Partitions, int ReplicationFactor, bool IsInternal, int UnderReplicatedPartitions, int OfflinePartitions);

/// <summary>What the Overview shows, read through the admin client on every monitor tick.</summary>
public sealed record ClusterOverview(
    string? ClusterId,
    int ControllerId,
    IReadOnlyList<BrokerInfo> Brokers,
    IReadOnlyList<TopicSummary> Topics,
    DateTimeOffset ReadAt)
{
    public int TopicCount => Topics.Count(t => !t.IsInternal);
    public int InternalTopicCount => Topics.Count(t => t.IsInternal);
    public int PartitionCount => Topics.Sum(t => t.Partitions);
    public int UnderReplicatedPartitions => Topics.Sum(t => t.UnderReplicatedPartitions);
    public int OfflinePartitions => Topics.Sum(t => t.OfflinePartitions);
    public IEnumerable<string> InternalTopics => Topics.Where(t => t.IsInternal).Select(t => t.Name);
}

public enum ConnectionState { Connecting, Connected, Unreachable }

/// <summary>Whether the cluster answers, and if not, why (the librdkafka error as reported).</summary>
public sealed record ClusterStatus(ConnectionState State, string BootstrapServers, string? Error, DateTimeOffset CheckedAt, DateTimeOffset? ConnectedSince)
{
    public bool IsReachable => State == ConnectionState.Connected;
}

/// <summary>A broker config as DescribeConfigs reports it (secrets already masked).</summary>
public sealed record ConfigEntryView(string Name, string? Value, string Source, bool IsReadOnly, bool IsSensitive, bool IsDefault, string? Documentation)
{
    /// <summary>Shown instead of a sensitive value (Kafka never sends those anyway).</summary>
    public const string SensitiveMask = "••••••";
}
