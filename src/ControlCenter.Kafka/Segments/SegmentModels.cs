using ControlCenter.LogFormat.Files;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.Kafka.Segments;

/// <summary>
/// One segment as the listing sees it: what its file names, sizes and indexes say, plus the first
/// batch header and the batches after the last index entry. Cheap (a few small reads whatever the
/// segment's size), so it is read for every segment of a partition.
/// </summary>
public sealed record SegmentOverview(
    long BaseOffset,
    long SizeBytes,
    bool IsActive,
    int IndexEntries,
    int TimeIndexEntries,
    /// <summary>Offset of the first and last record in the segment; null when it holds no batch yet.</summary>
    long? FirstOffset,
    long? LastOffset,
    /// <summary>The timestamp retention.ms is measured from (Kafka's largestTimestamp): the time index's last entry or a later batch's max timestamp.</summary>
    long? LargestTimestamp,
    /// <summary>Max timestamp of the first batch: segment.ms counts from it (Kafka's rollingBasedTimestamp).</summary>
    long? FirstBatchTimestamp,
    DateTimeOffset LastModified,
    /// <summary>Set when the segment's bytes could not be read as batches (see <see cref="SegmentStats.Tail"/> for why).</summary>
    string? Problem)
{
    public long? NextOffset => LastOffset + 1;
    public bool IsEmpty => FirstOffset is null;
}

/// <summary>Every batch header of a segment, counted (headers only: cost follows the batch count, not the bytes).</summary>
public sealed record SegmentStats(
    long BaseOffset,
    int Batches,
    long Records,
    long? FirstOffset,
    long? LastOffset,
    long? MinTimestamp,
    long? MaxTimestamp,
    int TransactionalBatches,
    int ControlBatches,
    IReadOnlyList<CompressionType> Codecs,
    /// <summary>Bytes that form whole batches; the rest is a batch still being written or damage.</summary>
    long ValidBytes,
    long SizeBytes,
    BatchCursorStop Tail);

/// <summary>A partition directory on disk: where it is, its segments (oldest first) and the other files beside them.</summary>
public sealed record PartitionLogView(
    string Topic,
    int Partition,
    string Directory,
    IReadOnlyList<SegmentOverview> Segments,
    IReadOnlyList<LogDirFile> OtherFiles,
    /// <summary>The log cleaner's position for this partition (cleaner-offset-checkpoint), for compacted topics.</summary>
    long? CleanerCheckpoint,
    DateTimeOffset ReadAt)
{
    public long TotalBytes => Segments.Sum(s => s.SizeBytes);
    public SegmentOverview? Active => Segments.Count == 0 ? null : Segments[^1];
}

public sealed record LogDirFile(string Name, long SizeBytes, string Meaning);

/// <summary>A batch as stored, with its CRC checked against its bytes.</summary>
public sealed record BatchInfo(long Position, RecordBatchHeader Header, bool CrcValid, uint ComputedCrc);

/// <summary>A page of a segment's batches, read front to back from <see cref="FromPosition"/>.</summary>
public sealed record BatchPage(
    long BaseOffset,
    long FromPosition,
    IReadOnlyList<BatchInfo> Batches,
    long NextPosition,
    bool HasMore,
    BatchCursorStop Stop,
    long SegmentSize);

public sealed record OffsetIndexRow(int Entry, int RelativeOffset, long Offset, int Position);

public sealed record TimeIndexRow(int Entry, long Timestamp, int RelativeOffset, long Offset);

/// <summary>One .txnindex entry: a transaction aborted by a marker in this segment, its records' range and the LSO once it ended.</summary>
public sealed record AbortedTxnRow(int Entry, long ProducerId, long FirstOffset, long LastOffset, long LastStableOffset);

/// <summary>A page of an index file; <see cref="Total"/> counts the entries present (not preallocated slots).</summary>
public sealed record IndexPage<T>(int First, int Total, IReadOnlyList<T> Entries);

/// <summary>Every batch of a segment read whole and its CRC-32C recomputed.</summary>
public sealed record CrcCheck(long BaseOffset, int Batches, int Invalid, IReadOnlyList<long> InvalidPositions, long BytesChecked, BatchCursorStop Tail, TimeSpan Took);
