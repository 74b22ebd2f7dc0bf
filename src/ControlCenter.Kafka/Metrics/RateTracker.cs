using ControlCenter.Kafka.Cluster;

namespace ControlCenter.Kafka.Metrics;

/// <summary>
/// Rates from two consecutive snapshots: Δ high watermark / Δ time per partition, summed per
/// topic. No JMX, no Prometheus: the watermarks the monitor reads anyway are enough.
/// </summary>
public sealed class RateTracker : ITopicRates
{
    private ClusterSnapshot? _previous;
    private Dictionary<(string Topic, int Partition), double> _partitionRates = [];
    private Dictionary<string, double> _topicRates = [];

    public void Update(ClusterSnapshot current)
    {
        var previous = _previous;
        _previous = current;
        if (previous is null) return;
        double seconds = (current.ReadAt - previous.ReadAt).TotalSeconds;
        if (seconds <= 0) return;
        var partitions = new Dictionary<(string, int), double>();
        var topics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, topic) in current.Topics)
        {
            if (!previous.Topics.TryGetValue(name, out var before)) continue;
            double sum = 0;
            foreach (var p in topic.Partitions)
            {
                var old = before.Partitions.FirstOrDefault(o => o.Partition == p.Partition);
                if (old is null || old.HighWatermark < 0 || p.HighWatermark < 0) continue;
                // A watermark that went down means the topic was recreated: no rate this tick.
                double rate = Math.Max(0, p.HighWatermark - old.HighWatermark) / seconds;
                partitions[(name, p.Partition)] = rate;
                sum += rate;
            }
            topics[name] = sum;
        }
        _partitionRates = partitions;
        _topicRates = topics;
    }

    public void Reset()
    {
        _previous = null;
        _partitionRates = [];
        _topicRates = [];
    }

    public double? RecordsPerSecond(string topic) => _topicRates.TryGetValue(topic, out double r) ? r : null;

    public double? RecordsPerSecond(string topic, int partition) => _partitionRates.TryGetValue((topic, partition), out double r) ? r : null;
}
