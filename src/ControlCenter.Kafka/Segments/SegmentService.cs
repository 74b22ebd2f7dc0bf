using System.Collections.Concurrent;
using ControlCenter.Kafka.LogDirs;
using ControlCenter.LogFormat;
using ControlCenter.LogFormat.Files;

namespace ControlCenter.Kafka.Segments;

/// <summary>
/// The Segments view's access to log dirs: the embedded broker's data dir, or Kafka:LogDirs for
/// an external cluster. Callers name a topic and partition, never a path (the name is validated,
/// so nothing outside the log dirs can be reached). File work runs on the thread pool, off the
/// page's circuit. Statistics of closed segments are cached by file size and modification time
/// (a closed segment changes only when the cleaner swaps in a new file); the active segment's are
/// extended from where the last walk stopped.
/// </summary>
public sealed class SegmentService(ClusterConnection connection, TimeProvider time, Cluster.IClusterState? cluster = null)
{
    private const int CacheLimit = 20_000;
    private readonly ConcurrentDictionary<(string Path, long Size, DateTime Modified), SegmentStats> _closed = new();
    private readonly ConcurrentDictionary<string, SegmentStats> _active = new(StringComparer.Ordinal);

    public IReadOnlyList<string> LogDirs => connection.LogDirs;

    public bool IsEmbedded => connection.IsEmbedded;

    /// <summary>The app's clock (forecasts are made from "now").</summary>
    public TimeProvider Time => time;

    /// <summary>Whether any configured log dir exists and can be listed.</summary>
    public bool AnyLogDirReadable => LogDirScanner.AnyReadable(connection.LogDirs);

    /// <summary>The partition's directory, or null when no readable log dir has it.</summary>
    /// <remarks>Where several replicas are readable (the embedded cluster's nodes), the leader's copy: what consumers read.</remarks>
    public string? Locate(string topic, int partition) =>
        TopicNames.Validate(topic) is null && partition >= 0
            ? PartitionLogReader.FindPartitionDir(connection.LogDirs, topic, partition, LeaderOf(topic, partition))
            : null;

    private int LeaderOf(string topic, int partition) =>
        connection.LogDirs.Count > 1 && cluster?.Snapshot?.Topics.GetValueOrDefault(topic)?.Partitions.FirstOrDefault(p => p.Partition == partition) is { } p
            ? p.Leader : -1;

    /// <summary>The partition's segments, or null when no log dir has the partition (or it went away while listing).</summary>
    public Task<PartitionLogView?> ListAsync(string topic, int partition, CancellationToken cancellation = default) =>
        Run(topic, partition, dir => PartitionLogReader.List(dir, topic, partition, time.GetUtcNow()), cancellation);

    /// <summary>Header statistics of the given segments (the page on screen), from the cache where the files have not changed.</summary>
    public Task<IReadOnlyDictionary<long, SegmentStats>?> StatsAsync(string topic, int partition, IReadOnlyList<SegmentOverview> segments, CancellationToken cancellation = default) =>
        Run(topic, partition, dir =>
        {
            var result = new ConcurrentDictionary<long, SegmentStats>();
            Parallel.ForEach(segments, new ParallelOptions { CancellationToken = cancellation }, segment =>
            {
                if (StatsOf(dir, segment) is { } stats) result[segment.BaseOffset] = stats;
            });
            return (IReadOnlyDictionary<long, SegmentStats>)result;
        }, cancellation);

    public Task<BatchPage?> ReadBatchesAsync(string topic, int partition, long baseOffset, long fromPosition, int count, CancellationToken cancellation = default) =>
        Run(topic, partition, dir => PartitionLogReader.ReadBatches(dir, baseOffset, fromPosition, Math.Clamp(count, 1, 500)), cancellation);

    /// <summary>Where in the segment the batch holding <paramref name="offset"/> starts (through the offset index, as a fetch does).</summary>
    public Task<long?> PositionOfAsync(string topic, int partition, long baseOffset, long offset, CancellationToken cancellation = default) =>
        Run<long?>(topic, partition, dir => PartitionLogReader.PositionOf(dir, baseOffset, offset), cancellation);

    public Task<IndexPage<OffsetIndexRow>?> ReadOffsetIndexAsync(string topic, int partition, long baseOffset, int first, int count, CancellationToken cancellation = default) =>
        Run(topic, partition, dir => PartitionLogReader.ReadOffsetIndex(dir, baseOffset, first, Math.Clamp(count, 1, 1000)), cancellation);

    public Task<IndexPage<TimeIndexRow>?> ReadTimeIndexAsync(string topic, int partition, long baseOffset, int first, int count, CancellationToken cancellation = default) =>
        Run(topic, partition, dir => PartitionLogReader.ReadTimeIndex(dir, baseOffset, first, Math.Clamp(count, 1, 1000)), cancellation);

    public Task<IndexPage<AbortedTxnRow>?> ReadTxnIndexAsync(string topic, int partition, long baseOffset, int first, int count, CancellationToken cancellation = default) =>
        Run(topic, partition, dir => PartitionLogReader.ReadTxnIndex(dir, baseOffset, first, Math.Clamp(count, 1, 1000)), cancellation);

    /// <summary>The partition's active producers, rebuilt from its batch headers (cost: a header walk of the whole partition).</summary>
    public Task<IReadOnlyList<ActiveProducer>?> ActiveProducersAsync(string topic, int partition, CancellationToken cancellation = default) =>
        Run(topic, partition, dir => ProducerStateReader.Read(dir, time.GetUtcNow(), ProducerStateReader.DefaultExpiration), cancellation);

    /// <summary>Reads the whole segment and checks every batch's CRC (cost: the segment's size).</summary>
    public Task<CrcCheck?> CheckCrcsAsync(string topic, int partition, long baseOffset, CancellationToken cancellation = default) =>
        Run(topic, partition, dir => PartitionLogReader.CheckCrcs(dir, baseOffset), cancellation);

    private SegmentStats? StatsOf(string dir, SegmentOverview segment)
    {
        string path = LogFileNames.LogFile(dir, segment.BaseOffset);
        if (segment.IsActive)
        {
            _active.TryGetValue(path, out var previous);
            var stats = PartitionLogReader.Stats(dir, segment.BaseOffset, previous);
            _active[path] = stats;
            return stats;
        }
        _active.TryRemove(path, out _);
        var key = (path, segment.SizeBytes, segment.LastModified.UtcDateTime);
        if (_closed.TryGetValue(key, out var cached)) return cached;
        var read = PartitionLogReader.Stats(dir, segment.BaseOffset);
        if (read.SizeBytes != segment.SizeBytes) return read; // changed since the listing: do not cache under the old key
        if (_closed.Count >= CacheLimit) _closed.Clear();
        _closed[key] = read;
        return read;
    }

    /// <summary>Runs file work on the pool; a partition or segment that vanished (retention, deletion) reads as null.</summary>
    private Task<T?> Run<T>(string topic, int partition, Func<string, T?> work, CancellationToken cancellation) =>
        Task.Run(() =>
        {
            if (Locate(topic, partition) is not { } dir) return default;
            try { return work(dir); }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return default; }
        }, cancellation);
}
