namespace ControlCenter.Kafka.Cluster;

/// <summary>Options of the cluster monitor (configuration section "Monitor").</summary>
public sealed class MonitorOptions
{
    public const string SectionName = "Monitor";

    /// <summary>Tick of the monitor: cluster overview and high watermarks.</summary>
    public int IntervalMs { get; set; } = 1000;

    /// <summary>How often consumer group offsets are read (slower: one request per group).</summary>
    public int GroupIntervalMs { get; set; } = 5000;
}
