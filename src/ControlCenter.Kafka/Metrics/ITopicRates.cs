namespace ControlCenter.Kafka.Metrics;

/// <summary>Current produce rates derived from high watermark movement between monitor ticks.</summary>
public interface ITopicRates
{
    /// <summary>Records per second appended to a topic over the last tick; null before two ticks were seen.</summary>
    double? RecordsPerSecond(string topic);

    /// <summary>Records per second of one partition; null when unknown.</summary>
    double? RecordsPerSecond(string topic, int partition);
}
