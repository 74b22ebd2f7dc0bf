using ControlCenter.Kafka.Cluster;

namespace ControlCenter.Kafka.Metrics;

/// <summary>Produce rates of one topic: per partition (in the snapshot's order) and summed.</summary>
internal sealed record TopicProduceRates(double? RecordsPerSec, double? BytesPerSec, PartitionRate[] Partitions);

/// <summary>
/// Produce rates from two consecutive snapshots: Δ high watermark / Δ time per partition. No JMX,
/// no Prometheus: the watermarks the monitor reads anyway are enough. Bytes/s are records/s
/// times the partition's average record size on disk (log-dir size ÷ records), so they need a
/// readable log dir; without one they are null.
/// </summary>
internal sealed class ProduceRates
{
    private ClusterSnapshot? _previous;

    /// <summary>Forgets the previous snapshot: no rate is computed across an outage.</summary>
    public void Reset() => _previous = null;

    public Dictionary<string, TopicProduceRates> Compute(ClusterSnapshot current)
    {
        var previous = _previous;
        _previous = current;
        double seconds = previous is null ? 0 : (current.ReadAt - previous.ReadAt).TotalSeconds;
        var result = new Dictionary<string, TopicProduceRates>(current.Topics.Count, StringComparer.Ordinal);
        foreach (var (name, topic) in current.Topics)
        {
            var before = seconds > 0 ? previous!.Topics.GetValueOrDefault(name) : null;
            var partitions = new PartitionRate[topic.Partitions.Count];
            double records = 0, bytes = 0;
            bool bytesKnown = true;
            for (int i = 0; i < partitions.Length; i++)
            {
                var p = topic.Partitions[i];
                double? rate = null, byteRate = null;
                if (before is not null && Find(before, i, p.Partition) is { HighWatermark: >= 0 } old && p.HighWatermark >= 0)
                {
                    // A watermark that went down means the topic was recreated: count nothing this tick.
                    rate = Math.Max(0, p.HighWatermark - old.HighWatermark) / seconds;
                    byteRate = rate == 0 ? 0 : rate * AverageRecordSize(topic, p);
                    records += rate.Value;
                    if (byteRate is { } b) bytes += b; else bytesKnown = false;
                }
                partitions[i] = new PartitionRate(p.Partition, rate, byteRate, p.LowWatermark, p.HighWatermark);
            }
            result[name] = before is null
                ? new TopicProduceRates(null, null, partitions)
                : new TopicProduceRates(records, bytesKnown || records == 0 ? bytes : null, partitions);
        }
        return result;
    }

    /// <summary>Bytes on disk per record: the partition's own figure, else the mean of its topic's; null when unknown.</summary>
    internal static double? AverageRecordSize(TopicSnapshot topic, PartitionSnapshot partition)
    {
        if (partition.BytesPerRecord is { } own) return own;
        var known = topic.Partitions.Where(p => p.BytesPerRecord is not null).ToList();
        return known.Count == 0 ? null : known.Average(p => p.BytesPerRecord!.Value);
    }

    /// <summary>Partitions are listed in id order, so the same index is almost always the same partition.</summary>
    private static PartitionSnapshot? Find(TopicSnapshot topic, int index, int partition) =>
        index < topic.Partitions.Count && topic.Partitions[index].Partition == partition
            ? topic.Partitions[index]
            : topic.Partitions.FirstOrDefault(p => p.Partition == partition);
}
