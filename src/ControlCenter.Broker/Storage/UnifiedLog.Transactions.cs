using ControlCenter.LogFormat.Files;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.Broker.Storage;

/// <summary>
/// Transactions in a partition: the last stable offset (no reader with read_committed sees past
/// the first record of a transaction that is still open) and the aborted transactions, kept in
/// each segment's .txnindex and handed to read_committed fetches so consumers drop those records.
/// </summary>
internal sealed partial class UnifiedLog
{
    /// <summary>
    /// How far back a still-open transaction can begin: the coordinator aborts any transaction
    /// older than transaction.max.timeout.ms (15 minutes at most by default), so on start-up only
    /// segments written within that window are scanned for open transactions.
    /// </summary>
    public const long OpenTransactionWindowMs = 15 * 60 * 1000;

    private List<AbortedTxnEntry> _aborted = [];
    private long _firstUnstableOffset = long.MaxValue;

    /// <summary>
    /// The offset below which every transaction has ended (Kafka's LSO): the high watermark, held
    /// back to the first record of the earliest open transaction.
    /// </summary>
    public long LastStableOffset => Math.Min(HighWatermark, Volatile.Read(ref _firstUnstableOffset));

    /// <summary>The aborted transactions a read_committed fetch of [from, to) must hand to the consumer.</summary>
    public List<AbortedTxnEntry> AbortedTransactions(long from, long to)
    {
        var all = Volatile.Read(ref _aborted);
        return all.Where(t => t.LastOffset >= from && t.FirstOffset < to).ToList();
    }

    /// <summary>The open transactions' producers and first offsets (what holds the LSO back).</summary>
    public long? FirstUnstableOffset { get { long v = Volatile.Read(ref _firstUnstableOffset); return v == long.MaxValue ? null : v; } }

    /// <summary>Updates producer state for one appended batch; an ABORT marker records its transaction in the segment's .txnindex.</summary>
    private void TrackBatch(in RecordBatchHeader header, ReadOnlySpan<byte> batch, LogSegment segment)
    {
        var completed = _producers.Update(header);
        if (completed is { } txn && header.IsControl && ControlRecord.ReadType(batch[..header.SizeInBytes]) == ControlRecordType.Abort)
        {
            long stable = _producers.FirstUnstableOffset ?? txn.LastOffset + 1;
            var entry = new AbortedTxnEntry(txn.ProducerId, txn.FirstOffset, txn.LastOffset, stable);
            segment.TxnIndex.Append(entry);
            Volatile.Write(ref _aborted, [.. _aborted, entry]);
        }
        PublishFirstUnstable();
    }

    private void PublishFirstUnstable() => Volatile.Write(ref _firstUnstableOffset, _producers.FirstUnstableOffset ?? long.MaxValue);

    /// <summary>
    /// Rebuilds producer state and the aborted list from the files: every segment's .txnindex,
    /// and the batch headers of the segments that can hold an open transaction (see
    /// <see cref="OpenTransactionWindowMs"/>), or of every segment with <paramref name="allSegments"/>.
    /// </summary>
    private void RebuildTransactionState(bool allSegments)
    {
        _producers.Clear();
        var segments = _segments.Values;
        int first = segments.Count - 1;
        if (allSegments) first = 0;
        else
        {
            long newest = segments[^1].Size > 0 ? segments[^1].LargestTimestamp : long.MinValue;
            while (first > 0 && segments[first - 1].Size > 0 && newest != long.MinValue && segments[first - 1].LargestTimestamp >= newest - OpenTransactionWindowMs)
                first--;
        }
        for (int i = first; i < segments.Count; i++) segments[i].ScanHeaders(h => _producers.Update(h));
        long start = LogStartOffset;
        Volatile.Write(ref _aborted, segments.SelectMany(s => s.TxnIndex.Entries).Where(t => t.LastOffset >= start).OrderBy(t => t.LastOffset).ToList());
        PublishFirstUnstable();
    }

    /// <summary>After the log start moved: aborted transactions wholly below it are of no use to a reader any more.</summary>
    private void ForgetAbortedBefore(long logStartOffset)
    {
        if (_aborted.Any(t => t.LastOffset < logStartOffset))
            Volatile.Write(ref _aborted, _aborted.Where(t => t.LastOffset >= logStartOffset).ToList());
    }
}
