using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.LogDirs;

namespace ControlCenter.Kafka.Cluster;

/// <summary>
/// Reads a <see cref="ClusterSnapshot"/> with requests that do not grow per topic: DescribeCluster,
/// Metadata, ListOffsets for the high watermarks (every tick) and the low ones (every few ticks),
/// and a log-dir scan for sizes: every few ticks for the partitions whose watermarks moved, and
/// of everything once a minute (compaction shrinks a log without moving its watermarks).
/// </summary>
public sealed class ClusterSnapshotReader(ClusterAdmin admin, ClusterConnection connection, TimeProvider time)
{
    private readonly HighWatermarks _highWatermarks = new(admin);
    private const int FullSizeScanEveryTicks = 60;
    private const int LowWatermarkEveryTicks = 5; // and sizes, on the same ticks: size ÷ records needs both at once
    private Dictionary<(string Topic, int Partition), long> _sizes = [];
    private readonly Dictionary<(string Topic, int Partition), double> _bytesPerRecord = [];
    private readonly Dictionary<(string Topic, int Partition), long> _sizedAt = []; // high watermark at the last size read
    private Dictionary<TopicPartition, long> _low = [];
    private Metadata? _metadata;
    private HashSet<string> _internalTopics = [];
    private List<TopicMetadata> _topics = [];
    private List<TopicPartition> _partitions = [];
    private int _tick;

    public async Task<ClusterSnapshot> ReadAsync(bool forceSizes, CancellationToken cancellation)
    {
        var cluster = await admin.DescribeClusterAsync();
        int controller = cluster.Controller?.Id ?? -1;
        // Metadata (topics, partitions, leaders, ISR) is read every tick, or every few on large
        // clusters like the quiet watermarks: marshalling 10,000 partitions is the costliest
        // part of a tick after ListOffsets. Admin actions from the app force a fresh read.
        if (_metadata is null || forceSizes || _tick % HighWatermarks.QuietEvery(_partitions.Count) == 0)
        {
            var metadata = await admin.GetMetadataAsync(cancellation);
            _metadata = metadata;
            _internalTopics = await admin.InternalTopicsAsync(metadata);
            _topics = metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError).ToList();
            _partitions = _topics.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId))).ToList();
        }
        var (metadataNow, internalTopics, topics, partitions) = (_metadata, _internalTopics, _topics, _partitions);
        // Low watermarks move only by retention or purge (which asks for a refresh): read them less often.
        bool newPartitions = partitions.Any(tp => !_low.ContainsKey(tp));
        // Large clusters stretch this like the quiet high watermarks (every 20 ticks at 10,000 partitions).
        bool lowDue = _tick % (LowWatermarkEveryTicks * HighWatermarks.QuietEvery(partitions.Count)) == 0;
        if (forceSizes || newPartitions || lowDue)
            _low = await admin.ListOffsetsAsync(partitions, OffsetSpec.Earliest());
        var high = await _highWatermarks.ReadAsync(partitions, _tick, readAll: forceSizes || newPartitions);

        var logDirs = connection.LogDirs;
        bool sizesAvailable = LogDirScanner.AnyReadable(logDirs);
        if (sizesAvailable && (forceSizes || newPartitions || lowDue))
        {
            var read = await Task.Run(() => ReadSizes(logDirs, high, full: forceSizes || _tick % FullSizeScanEveryTicks == 0), cancellation);
            await UpdateBytesPerRecordAsync(read, high);
        }

        _tick++;
        var snapshots = new Dictionary<string, TopicSnapshot>(topics.Count, StringComparer.Ordinal);
        foreach (var t in topics)
        {
            var parts = t.Partitions.OrderBy(p => p.PartitionId).Select(p =>
            {
                var tp = new TopicPartition(t.Topic, p.PartitionId);
                var marks = (_low.TryGetValue(tp, out long lo) ? lo : -1L, high.TryGetValue(tp, out long hi) ? hi : -1L);
                long? size = sizesAvailable ? _sizes.TryGetValue((t.Topic, p.PartitionId), out long s) ? s : 0 : null;
                return new PartitionSnapshot(p.PartitionId, p.Leader, p.Replicas, p.InSyncReplicas, marks.Item1, marks.Item2, size)
                {
                    BytesPerRecord = _bytesPerRecord.TryGetValue((t.Topic, p.PartitionId), out double b) ? b : null,
                };
            }).ToList();
            snapshots[t.Topic] = new TopicSnapshot(t.Topic, internalTopics.Contains(t.Topic), parts);
        }

        var brokers = Brokers(metadataNow, cluster, controller, snapshots.Values);
        var summaries = snapshots.Values.OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => new TopicSummary(t.Name, t.Partitions.Count, t.ReplicationFactor, t.IsInternal, t.UnderReplicatedPartitions, t.OfflinePartitions))
            .ToList();
        var now = time.GetUtcNow();
        var overview = new ClusterOverview(cluster.ClusterId, controller, brokers, summaries, now);
        return new ClusterSnapshot(overview, snapshots, sizesAvailable, now);
    }

    /// <summary>
    /// Live brokers from the metadata, with what each leads and holds, plus brokers that
    /// partitions still name as replicas but the metadata no longer lists: those are down.
    /// </summary>
    private static List<BrokerInfo> Brokers(Metadata metadata, DescribeClusterResult cluster, int controller, IEnumerable<TopicSnapshot> topics)
    {
        var partitions = topics.SelectMany(t => t.Partitions).ToList();
        var ids = metadata.Brokers.Select(b => b.BrokerId).Concat(partitions.SelectMany(p => p.Replicas)).Distinct();
        return ids.Select(id =>
        {
            var live = metadata.Brokers.FirstOrDefault(b => b.BrokerId == id);
            return new BrokerInfo(id, live?.Host ?? "", live?.Port ?? 0, cluster.Nodes.FirstOrDefault(n => n.Id == id)?.Rack, id == controller)
            {
                IsOnline = live is not null,
                Leaders = partitions.Count(p => p.Leader == id),
                Replicas = partitions.Count(p => p.Replicas.Contains(id)),
                OutOfSync = partitions.Count(p => p.Replicas.Contains(id) && !p.Isr.Contains(id)),
            };
        }).OrderBy(b => b.Id).ToList();
    }

    /// <summary>Sizes of every partition (full) or of those whose high watermark moved; returns the sizes read.</summary>
    private Dictionary<(string Topic, int Partition), long> ReadSizes(IReadOnlyList<string> logDirs, IReadOnlyDictionary<TopicPartition, long> high, bool full)
    {
        if (full)
        {
            _sizedAt.Clear(); // forget deleted partitions
            _bytesPerRecord.Clear();
            return _sizes = LogDirScanner.PartitionSizes(logDirs);
        }
        var moved = high.Where(h => !_sizedAt.TryGetValue((h.Key.Topic, h.Key.Partition.Value), out long at) || at != h.Value)
            .Select(h => (h.Key.Topic, h.Key.Partition.Value)).ToList();
        var read = LogDirScanner.PartitionSizes(logDirs, moved);
        foreach (var (key, size) in read) _sizes[key] = size;
        return read;
    }

    /// <summary>
    /// Size ÷ records for the partitions just sized, kept only where the high watermark did not move
    /// while the files were read: a batch landing in between would count its bytes but not its records
    /// (or the other way round). A partition that was written meanwhile keeps its previous figure.
    /// </summary>
    private async Task UpdateBytesPerRecordAsync(Dictionary<(string Topic, int Partition), long> read, IReadOnlyDictionary<TopicPartition, long> high)
    {
        var sized = read.Keys.Select(k => new TopicPartition(k.Topic, k.Partition)).Where(high.ContainsKey).ToList();
        if (sized.Count == 0) return;
        var after = await admin.ListOffsetsAsync(sized, OffsetSpec.Latest());
        foreach (var tp in sized)
        {
            long hi = high[tp];
            if (!after.TryGetValue(tp, out long now) || now != hi) continue;
            var key = (tp.Topic, tp.Partition.Value);
            _sizedAt[key] = hi;
            // Low watermarks are read on the same ticks as sizes, so size and record count belong together.
            if (read[key] > 0 && _low.TryGetValue(tp, out long lo) && hi > lo) _bytesPerRecord[key] = (double)read[key] / (hi - lo);
        }
    }
}
