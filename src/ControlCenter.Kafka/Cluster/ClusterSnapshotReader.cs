using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.LogDirs;

namespace ControlCenter.Kafka.Cluster;

/// <summary>
/// Reads a <see cref="ClusterSnapshot"/> with requests that do not grow per topic: DescribeCluster,
/// Metadata, ListOffsets for the high watermarks (every tick) and the low ones (every few ticks),
/// and a log-dir scan for sizes (every few ticks: sizes change slowly and cost a directory walk).
/// </summary>
public sealed class ClusterSnapshotReader(ClusterAdmin admin, ClusterConnection connection)
{
    private const int SizeScanEveryTicks = 5;
    private const int LowWatermarkEveryTicks = 5;
    private Dictionary<(string Topic, int Partition), long> _sizes = [];
    private Dictionary<TopicPartition, long> _low = [];
    private int _tick;

    public async Task<ClusterSnapshot> ReadAsync(bool forceSizes, CancellationToken cancellation)
    {
        var cluster = await admin.DescribeClusterAsync();
        var metadata = await admin.GetMetadataAsync(cancellation);
        var internalTopics = await admin.InternalTopicsAsync(metadata);
        int controller = cluster.Controller?.Id ?? -1;

        var topics = metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError).ToList();
        var partitions = topics.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId))).ToList();
        var high = await admin.ListOffsetsAsync(partitions, OffsetSpec.Latest());
        // Low watermarks move only by retention or purge (which asks for a refresh): read them less often.
        bool newPartitions = partitions.Any(tp => !_low.ContainsKey(tp));
        if (forceSizes || newPartitions || _tick % LowWatermarkEveryTicks == 0)
            _low = await admin.ListOffsetsAsync(partitions, OffsetSpec.Earliest());

        var logDirs = connection.LogDirs;
        bool sizesAvailable = LogDirScanner.AnyReadable(logDirs);
        if (sizesAvailable && (forceSizes || _tick % SizeScanEveryTicks == 0))
            _sizes = await Task.Run(() => LogDirScanner.PartitionSizes(logDirs), cancellation);

        _tick++;
        var snapshots = new Dictionary<string, TopicSnapshot>(topics.Count, StringComparer.Ordinal);
        foreach (var t in topics)
        {
            var parts = t.Partitions.OrderBy(p => p.PartitionId).Select(p =>
            {
                var tp = new TopicPartition(t.Topic, p.PartitionId);
                var marks = (_low.TryGetValue(tp, out long lo) ? lo : -1L, high.TryGetValue(tp, out long hi) ? hi : -1L);
                long? size = sizesAvailable ? _sizes.TryGetValue((t.Topic, p.PartitionId), out long s) ? s : 0 : null;
                return new PartitionSnapshot(p.PartitionId, p.Leader, p.Replicas, p.InSyncReplicas, marks.Item1, marks.Item2, size);
            }).ToList();
            snapshots[t.Topic] = new TopicSnapshot(t.Topic, internalTopics.Contains(t.Topic), parts);
        }

        var brokers = metadata.Brokers
            .Select(b => new BrokerInfo(b.BrokerId, b.Host, b.Port, cluster.Nodes.FirstOrDefault(n => n.Id == b.BrokerId)?.Rack, b.BrokerId == controller))
            .OrderBy(b => b.Id).ToList();
        var summaries = snapshots.Values.OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => new TopicSummary(t.Name, t.Partitions.Count, t.ReplicationFactor, t.IsInternal, t.UnderReplicatedPartitions, t.OfflinePartitions))
            .ToList();
        var overview = new ClusterOverview(cluster.ClusterId, controller, brokers, summaries, DateTimeOffset.UtcNow);
        return new ClusterSnapshot(overview, snapshots, sizesAvailable, DateTimeOffset.UtcNow);
    }
}
