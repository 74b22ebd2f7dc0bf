namespace ControlCenter.Kafka.Cluster;

/// <summary>Options of the cluster monitor (configuration section "Monitor").</summary>
public sealed class MonitorOptions
{
    public const string SectionName = "Monitor";

    /// <summary>Tick of the monitor: cluster overview and high watermarks.</summary>
    public int IntervalMs { get; set; } = 1000;

    /// <summary>How often consumer group offsets are read (slower: one request per group).</summary>
    public int GroupIntervalMs { get; set; } = 5000;

    /// <summary>
    /// At most this many topics keep history (~19 KB each: 15 min of ticks and 24 h of minutes),
    /// so memory stays bounded on clusters with very many busy topics: the busiest ones keep it
    /// (a topic takes the slot of one under half its rate). Idle topics keep none.
    /// </summary>
    public int HistoryTopicLimit { get; set; } = 500;

    /// <summary>At most this many consumer groups keep lag history (~28 KB each).</summary>
    public int HistoryGroupLimit { get; set; } = 1000;
}
