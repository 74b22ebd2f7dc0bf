using ControlCenter.LogFormat.Files;
using ControlCenter.LogFormat.Records;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Storage;

/// <summary>
/// Compaction of cleanup.policy=compact logs (Kafka's LogCleaner): keep only the newest record
/// per key below the active segment, preserving offsets. Tombstones are kept until their delete
/// horizon (set on the first pass to now + delete.retention.ms, KIP-534) and dropped after it.
/// Cleaned segments are written as ".cleaned", renamed ".swap" and then swapped in; a crash at
/// any point leaves either the old segments or a complete swap, which start-up finishes.
/// Transactions: cleaning stops at the last stable offset, aborted transactions' records are
/// removed, and markers are kept.
/// </summary>
internal sealed class LogCleaner(ILogger logger)
{
    /// <summary>Bounds the key map like Kafka's dedupe buffer: a larger dirty range is cleaned in several passes.</summary>
    public int MaxKeysPerPass { get; init; } = 1_000_000;

    public sealed record CleanResult(int SegmentsBefore, int SegmentsAfter, long BytesBefore, long BytesAfter, long RecordsRemoved, long FirstDirtyOffset);

    /// <summary>Cleans the log if its dirty ratio (or a passed tombstone horizon) calls for it; null when nothing was done.</summary>
    public CleanResult? MaybeClean(UnifiedLog log, long firstDirtyCheckpoint, long nowMs, bool force = false)
    {
        var config = log.Config;
        if (!config.Compact) return null;
        var segments = log.Segments;
        if (segments.Count < 2) return null;

        long firstDirty = Math.Max(firstDirtyCheckpoint, log.LogStartOffset);
        // Never the active segment; never records younger than min.compaction.lag.ms.
        long firstUncleanable = segments[^1].BaseOffset;
        foreach (var s in segments.Take(segments.Count - 1))
            if (config.MinCompactionLagMs > 0 && nowMs - s.LargestTimestamp < config.MinCompactionLagMs) { firstUncleanable = s.BaseOffset; break; }
        // Nothing an open transaction may still commit or abort: stop at the last stable offset (as Kafka's cleaner does).
        firstUncleanable = Math.Min(firstUncleanable, log.LastStableOffset);

        var cleanable = segments.Where(s => NextBase(segments, s) <= firstUncleanable).ToList();
        if (cleanable.Count == 0) return null;
        long total = cleanable.Sum(s => s.Size);
        long dirty = cleanable.Where(s => NextBase(segments, s) > firstDirty).Sum(s => s.Size);
        bool horizonPassed = log.EarliestDeleteHorizon is { } horizon && horizon <= nowMs;
        bool tooOld = config.MaxCompactionLagMs != long.MaxValue
            && cleanable.Any(s => NextBase(segments, s) > firstDirty && nowMs - s.LargestTimestamp > config.MaxCompactionLagMs);
        if (total == 0 || (!force && !horizonPassed && !tooOld && (double)dirty / total < config.MinCleanableDirtyRatio))
            return null;

        var aborted = AbortedBatches(log, firstUncleanable);
        var (latest, endOfMap) = BuildOffsetMap(cleanable, firstDirty, firstUncleanable, aborted);
        if (latest.Count == 0 && !horizonPassed && !force) return null;
        return Clean(log, cleanable.Where(s => s.BaseOffset < endOfMap).ToList(), segments, latest, endOfMap, nowMs, aborted);
    }

    private static long NextBase(IReadOnlyList<LogSegment> segments, LogSegment segment)
    {
        for (int i = 0; i < segments.Count - 1; i++) if (ReferenceEquals(segments[i], segment)) return segments[i + 1].BaseOffset;
        return long.MaxValue;
    }

    /// <summary>
    /// Whether a batch belongs to an aborted transaction (its producer's, between the transaction's
    /// first offset and its ABORT marker): such records never count as a key's newest value and are
    /// removed, so an aborted write cannot shadow the committed one before it. Markers stay.
    /// </summary>
    private static Func<RecordBatchHeader, bool> AbortedBatches(UnifiedLog log, long before)
    {
        var aborted = log.AbortedTransactions(log.LogStartOffset, before);
        return h => h.IsTransactional && !h.IsControl && aborted.Any(t => t.ProducerId == h.ProducerId && h.BaseOffset >= t.FirstOffset && h.BaseOffset <= t.LastOffset);
    }

    /// <summary>key → offset of its newest record within the dirty range.</summary>
    private (Dictionary<byte[], long> Latest, long End) BuildOffsetMap(List<LogSegment> segments, long firstDirty, long firstUncleanable, Func<RecordBatchHeader, bool> isAborted)
    {
        var latest = new Dictionary<byte[], long>(ByteArrayComparer.Instance);
        long end = firstUncleanable;
        foreach (var segment in segments)
        {
            using var cursor = segment.OpenCursor(0, segment.Size, loadBodies: true);
            while (cursor.MoveNext())
            {
                if (cursor.Header.LastOffset < firstDirty || cursor.Header.IsControl || isAborted(cursor.Header)) continue;
                if (latest.Count >= MaxKeysPerPass) return (latest, Math.Min(end, cursor.Header.BaseOffset));
                foreach (var record in RecordCodec.ReadRecords(cursor.CurrentBatch))
                    if (record.Key is { } key && record.Offset >= firstDirty && record.Offset < firstUncleanable)
                        latest[key.ToArray()] = record.Offset;
            }
        }
        return (latest, end);
    }

    private CleanResult? Clean(UnifiedLog log, List<LogSegment> toClean, IReadOnlyList<LogSegment> all, Dictionary<byte[], long> latest, long endOffset, long nowMs,
        Func<RecordBatchHeader, bool> isAborted)
    {
        if (toClean.Count == 0) return null;
        var config = log.Config;
        long removed = 0, bytesBefore = toClean.Sum(s => s.Size), bytesAfter = 0;
        long? earliestHorizon = null;
        int produced = 0;
        // Group consecutive segments so a cleaned segment stays under segment.bytes (small segments merge).
        foreach (var group in GroupSegments(toClean, config.SegmentBytes))
        {
            long groupEnd = NextBase(all, group[^1]);
            var cleaned = LogSegment.Open(log.Dir, group[0].BaseOffset, config, create: true, log.Files, nowMs, LogFileNames.CleanedSuffix);
            try
            {
                foreach (var segment in group)
                {
                    using var cursor = segment.OpenCursor(0, segment.Size, loadBodies: true);
                    while (cursor.MoveNext())
                    {
                        if (cursor.Header.BaseOffset < endOffset && isAborted(cursor.Header))
                        {
                            removed += cursor.Header.LastOffsetDelta + 1;
                            continue;
                        }
                        var (batch, dropped, horizon) = FilterBatch(cursor.Header, cursor.CurrentBatch, latest, endOffset, config, nowMs);
                        removed += dropped;
                        if (horizon is { } h) earliestHorizon = Math.Min(earliestHorizon ?? long.MaxValue, h);
                        if (batch is not null) cleaned.Append(batch);
                    }
                }
                cleaned.OnBecomeInactive();
                bytesAfter += cleaned.Size;
                File.WriteAllText(Path.Combine(log.Dir, LogFileNames.FormatOffset(cleaned.BaseOffset) + ".covers"), groupEnd.ToString());
                cleaned.ChangeSuffix(LogFileNames.CleanedSuffix, LogFileNames.SwapSuffix);
                if (!log.ReplaceSegments(group, cleaned))
                {
                    cleaned.DeleteFiles();
                    return null; // retention removed part of the group meanwhile; try again next pass
                }
                produced++;
            }
            catch
            {
                cleaned.DeleteFiles();
                throw;
            }
        }
        log.EarliestDeleteHorizon = earliestHorizon;
        logger.LogInformation("Cleaned {Topic}-{Partition}: {Before} segment(s) → {After}, {BytesBefore} → {BytesAfter} bytes, {Removed} records removed",
            log.Topic, log.Partition, toClean.Count, produced, bytesBefore, bytesAfter, removed);
        return new CleanResult(toClean.Count, produced, bytesBefore, bytesAfter, removed, endOffset);
    }

    private static IEnumerable<List<LogSegment>> GroupSegments(List<LogSegment> segments, int maxBytes)
    {
        var group = new List<LogSegment>();
        long size = 0;
        foreach (var s in segments)
        {
            if (group.Count > 0 && (size + s.Size > maxBytes || s.BaseOffset - group[0].BaseOffset > int.MaxValue / 2))
            {
                yield return group;
                group = [];
                size = 0;
            }
            group.Add(s);
            size += s.Size;
        }
        if (group.Count > 0) yield return group;
    }

    /// <summary>Keeps a record when no newer record with its key exists; returns the rewritten batch (null when empty).</summary>
    private static (byte[]? Batch, long Dropped, long? Horizon) FilterBatch(RecordBatchHeader header, ReadOnlySpan<byte> batch,
        Dictionary<byte[], long> latest, long endOffset, LogConfig config, long nowMs)
    {
        if (header.IsControl || header.BaseOffset >= endOffset) return (batch.ToArray(), 0, null);
        var records = RecordCodec.ReadRecords(batch);
        long? horizon = header.HasDeleteHorizon ? header.BaseTimestamp : null;
        bool horizonPassed = horizon is { } h && h <= nowMs;
        var kept = records.Where(r =>
        {
            if (r.Key is not { } key) return false; // compacted topics only keep keyed records
            if (latest.TryGetValue(key.ToArray(), out long newest) && newest > r.Offset) return false;
            return r.Value is not null || !horizonPassed;
        }).ToList();
        long dropped = records.Count - kept.Count;
        if (kept.Count == 0) return (null, dropped, null);
        bool hasTombstones = kept.Any(r => r.Value is null);
        if (dropped == 0 && (!hasTombstones || horizon is not null)) return (batch.ToArray(), 0, horizon);

        long? newHorizon = hasTombstones ? horizon ?? nowMs + config.DeleteRetentionMs : null;
        var builder = new RecordBatchBuilder
        {
            BaseOffset = header.BaseOffset,
            Compression = header.Compression,
            TimestampType = header.TimestampType,
            LogAppendTime = header.TimestampType == TimestampType.LogAppendTime ? header.MaxTimestamp : null,
            ProducerId = header.ProducerId,
            ProducerEpoch = header.ProducerEpoch,
            BaseSequence = header.BaseSequence,
            IsTransactional = header.IsTransactional,
            DeleteHorizonMs = newHorizon,
            LastOffsetDeltaOverride = header.LastOffsetDelta, // offsets are preserved; gaps are normal
        };
        foreach (var r in kept)
            builder.Add(r.Timestamp, r.Key?.ToArray(), r.Value?.ToArray(), r.Headers, (int)(r.Offset - header.BaseOffset));
        return (builder.Build(), dropped, newHorizon);
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
