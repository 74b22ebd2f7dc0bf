using ControlCenter.Broker.Protocol;
using ControlCenter.LogFormat.Files;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Storage;

internal sealed partial class UnifiedLog
{
    /// <summary>
    /// DeleteRecords: moves the log start offset forward (never back, never past the high
    /// watermark; -1 means the high watermark) and drops segments wholly below it.
    /// </summary>
    public long DeleteRecordsBefore(long offset)
    {
        lock (_lock)
        {
            long target = offset == -1 ? HighWatermark : offset;
            if (target < 0 || target > HighWatermark)
                throw new KafkaErrorException(ErrorCode.OffsetOutOfRange,
                    $"Cannot delete records before {offset}: the high watermark of {Topic}-{Partition} is {HighWatermark}");
            if (target > _logStartOffset)
            {
                Volatile.Write(ref _logStartOffset, target);
                _producers.RemoveBefore(target);
                ForgetAbortedBefore(target);
            }
        }
        DeleteSegments((_, next) => next is not null && next.BaseOffset <= LogStartOffset, "log start offset moved");
        return LogStartOffset;
    }

    /// <summary>One retention pass (Kafka's deleteOldSegments): time, size, then log start offset.</summary>
    public int DeleteOldSegments(long nowMs)
    {
        var config = Config;
        int deleted = 0;
        if (config.Delete && config.RetentionMs >= 0)
            deleted += DeleteSegments((segment, _) => nowMs - segment.LargestTimestamp > config.RetentionMs,
                $"retention.ms={config.RetentionMs}");
        if (config.Delete && config.RetentionBytes >= 0)
        {
            long excess = Size - config.RetentionBytes;
            deleted += DeleteSegments((segment, _) =>
            {
                if (excess - segment.Size < 0) return false;
                excess -= segment.Size;
                return true;
            }, $"retention.bytes={config.RetentionBytes}");
        }
        deleted += DeleteSegments((_, next) => next is not null && next.BaseOffset <= LogStartOffset, "log start offset");
        return deleted;
    }

    /// <summary>
    /// Removes the oldest segments while <paramref name="predicate"/> holds, only below the high
    /// watermark. When every segment goes, an empty one is rolled first so the log keeps an
    /// active segment at the same end offset.
    /// </summary>
    private int DeleteSegments(Func<LogSegment, LogSegment?, bool> predicate, string reason)
    {
        List<LogSegment> deletable = [];
        lock (_lock)
        {
            if (_closed) return 0;
            var list = _segments.Values;
            for (int i = 0; i < list.Count; i++)
            {
                var segment = list[i];
                var next = i + 1 < list.Count ? list[i + 1] : null;
                bool lastAndEmpty = next is null && segment.Size == 0;
                long upperBound = next?.BaseOffset ?? LogEndOffset;
                if (lastAndEmpty || HighWatermark < upperBound || !predicate(segment, next)) break;
                deletable.Add(segment);
            }
            if (deletable.Count == 0) return 0;
            if (deletable.Count == _segments.Count) RollLocked(_time.GetUtcNow().ToUnixTimeMilliseconds());
            foreach (var segment in deletable) _segments.Remove(segment.BaseOffset);
            PublishSegments();
            long newStart = Math.Max(_logStartOffset, _segments.Keys[0]);
            Volatile.Write(ref _logStartOffset, newStart);
            _producers.RemoveBefore(newStart);
            ForgetAbortedBefore(newStart);
        }
        foreach (var segment in deletable)
        {
            segment.AddSuffix(LogFileNames.DeletedSuffix);
            _deleter.Schedule(Config.FileDeleteDelayMs, segment.DeleteFiles);
        }
        _logger.LogInformation("Deleted {Count} segment(s) of {Topic}-{Partition} ({Reason}); log start offset now {Start}",
            deletable.Count, Topic, Partition, reason, LogStartOffset);
        return deletable.Count;
    }
}
