using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ControlCenter.Kafka.Cluster;

/// <summary>
/// High watermarks for the monitor. ListOffsets costs librdkafka ~4 µs of CPU per partition, so
/// on large clusters (more than <see cref="PartitionsPerStep"/> partitions) only the partitions
/// that moved in the last <see cref="HotTicks"/> ticks are read every tick; quiet ones are read
/// every few ticks (at most 5), and everything on a refresh. On smaller clusters every partition
/// is read every tick. A quiet partition that wakes up shows its first records a few ticks late,
/// all in one tick: totals stay exact, only that first step is coarser.
/// </summary>
public sealed class HighWatermarks(ClusterAdmin admin)
{
    public const int PartitionsPerStep = 2500;
    public const int HotTicks = 10;
    private readonly Dictionary<TopicPartition, long> _offsets = [];
    private readonly Dictionary<TopicPartition, int> _changedAt = [];

    /// <summary>How many ticks apart quiet partitions are read, for a cluster of this size.</summary>
    public static int QuietEvery(int partitions) => Math.Clamp(partitions / PartitionsPerStep, 1, 5);

    /// <summary>The last known high watermark of every partition, after reading those due on this tick.</summary>
    public async Task<IReadOnlyDictionary<TopicPartition, long>> ReadAsync(IReadOnlyList<TopicPartition> partitions, int tick, bool readAll)
    {
        readAll |= tick % QuietEvery(partitions.Count) == 0;
        var due = readAll ? partitions
            : partitions.Where(tp => !_changedAt.TryGetValue(tp, out int changed) || tick - changed <= HotTicks).ToList();
        var read = await admin.ListOffsetsAsync(due, OffsetSpec.Latest());
        foreach (var (tp, offset) in read)
        {
            if (!_offsets.TryGetValue(tp, out long known) || known != offset) _changedAt[tp] = tick;
            _offsets[tp] = offset;
        }
        if (readAll && _offsets.Count > partitions.Count)
        {
            // Deleted topics: forget their partitions.
            var current = partitions.ToHashSet();
            foreach (var gone in _offsets.Keys.Where(tp => !current.Contains(tp)).ToList())
            {
                _offsets.Remove(gone);
                _changedAt.Remove(gone);
            }
        }
        return _offsets;
    }
}
