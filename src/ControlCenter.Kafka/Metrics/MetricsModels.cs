namespace ControlCenter.Kafka.Metrics;

// What the monitor derives on each tick. These records are also the SignalR hub's wire format
// (serialized camelCase), so their shape is a public contract: add fields, do not rename them.
// Rates are null when they cannot be known yet (first tick, first tick after an outage) and
// bytes/s are null when no log dir is readable (sizes come from the log dirs).

/// <summary>The whole cluster on one tick.</summary>
public sealed record ClusterMetrics(
    DateTimeOffset Time,
    double? ProducedRecordsPerSec,
    double? ProducedBytesPerSec,
    double? ConsumedRecordsPerSec,
    double? ConsumedBytesPerSec,
    long EndOffsets,
    long TotalLag,
    int Topics,
    int Partitions,
    int Groups,
    IReadOnlyList<TopicRate> TopTopics);

public sealed record TopicRate(string Topic, double RecordsPerSec, double? BytesPerSec);

/// <summary>One topic on one tick: produce rate, per-partition rates and the groups reading it.</summary>
public sealed record TopicMetrics(
    DateTimeOffset Time,
    string Topic,
    double? RecordsPerSec,
    double? BytesPerSec,
    long EndOffsets,
    long Records,
    IReadOnlyList<PartitionRate> Partitions,
    IReadOnlyList<TopicConsumer> Consumers);

public sealed record PartitionRate(int Partition, double? RecordsPerSec, double? BytesPerSec, long LowWatermark, long HighWatermark);

public sealed record TopicConsumer(string Group, double? RecordsPerSec, long Lag);

/// <summary>One consumer group on one tick: lag in records and time, and how fast it consumes.</summary>
public sealed record GroupMetrics(
    DateTimeOffset Time,
    string Group,
    string State,
    long LagRecords,
    double? LagSeconds,
    double? ConsumedRecordsPerSec,
    double? ConsumedBytesPerSec,
    IReadOnlyList<GroupPartitionMetrics> Partitions);

public sealed record GroupPartitionMetrics(string Topic, int Partition, long? Committed, long LogEndOffset, long? Lag, double? LagSeconds, double? RecordsPerSec);

/// <summary>Everything derived on one tick.</summary>
public sealed record MetricsSnapshot(ClusterMetrics Cluster, IReadOnlyDictionary<string, TopicMetrics> Topics, IReadOnlyDictionary<string, GroupMetrics> Groups)
{
    public static readonly MetricsSnapshot Empty = new(
        new ClusterMetrics(DateTimeOffset.MinValue, null, null, null, null, 0, 0, 0, 0, 0, []),
        new Dictionary<string, TopicMetrics>(), new Dictionary<string, GroupMetrics>());
}

/// <summary>A point of history: the series' fields in order (null = no data: the cluster was unreachable).</summary>
public sealed record HistoryPoint(DateTimeOffset Time, double?[] Values);

/// <summary>
/// A scope's history: tick resolution for the recent past, one-minute points for the last day.
/// <see cref="Kept"/> is false for a topic or group refused a series at Monitor:HistoryTopicLimit
/// or HistoryGroupLimit (its current metrics still arrive on every tick).
/// </summary>
public sealed record MetricsHistory(string Scope, IReadOnlyList<string> Fields, IReadOnlyList<HistoryPoint> Recent, IReadOnlyList<HistoryPoint> Minutes, bool Kept = true)
{
    /// <summary>
    /// One line of points for a chart over <paramref name="window"/> (this history read for it): every
    /// tick when the window is within the recent span; beyond it one point a minute, then the ticks
    /// after the last whole minute, so the line reaches now.
    /// </summary>
    public IReadOnlyList<HistoryPoint> Timeline(TimeSpan window) => window <= LiveMetrics.RecentSpan || Minutes.Count == 0 && Recent.Count == 0
        ? Recent
        : Minutes.Concat(Recent.Where(p => Minutes.Count == 0 || p.Time >= Minutes[^1].Time.AddMinutes(1))).ToList();
}

/// <summary>What a scope is: the cluster, a topic or a group. Its key is "cluster", "topic:name" or "group:id".</summary>
public enum ScopeKind { Cluster, Topic, Group }

public readonly record struct MetricsScope(ScopeKind Kind, string Name)
{
    public static readonly MetricsScope Cluster = new(ScopeKind.Cluster, "");
    public static MetricsScope Topic(string name) => new(ScopeKind.Topic, name);
    public static MetricsScope Group(string id) => new(ScopeKind.Group, id);

    public string Key => Kind switch { ScopeKind.Cluster => "cluster", ScopeKind.Topic => $"topic:{Name}", _ => $"group:{Name}" };

    /// <summary>The fields of this scope's history, in order.</summary>
    public IReadOnlyList<string> Fields => Kind switch
    {
        ScopeKind.Cluster => ClusterFields,
        ScopeKind.Topic => TopicFields,
        _ => GroupFields,
    };

    public static readonly string[] ClusterFields = ["producedRecordsPerSec", "producedBytesPerSec", "consumedRecordsPerSec", "consumedBytesPerSec", "totalLag"];
    public static readonly string[] TopicFields = ["recordsPerSec", "bytesPerSec"];
    public static readonly string[] GroupFields = ["lagRecords", "lagSeconds", "consumedRecordsPerSec"];

    /// <summary>How a field is folded into one-minute points: rates average, lag keeps its worst.</summary>
    internal bool[] MaxFields => Kind switch
    {
        ScopeKind.Cluster => [false, false, false, false, true],
        ScopeKind.Topic => [false, false],
        _ => [true, true, false],
    };
}
