using System.Globalization;
using ControlCenter.Kafka.Topics;

namespace ControlCenter.Kafka.Segments;

/// <summary>The topic configs that decide when segments roll and go, with Kafka's defaults where the topic says nothing.</summary>
public sealed record RetentionSettings(bool Delete, bool Compact, long RetentionMs, long RetentionBytes, long SegmentBytes, long SegmentMs)
{
    public static readonly RetentionSettings KafkaDefaults = new(true, false, 604_800_000, -1, 1_073_741_824, 604_800_000);

    public static RetentionSettings From(IEnumerable<TopicConfigEntry> configs)
    {
        var values = configs.Where(c => c.Value is not null).ToDictionary(c => c.Name, c => c.Value!, StringComparer.Ordinal);
        long Long(string name, long fallback) =>
            values.TryGetValue(name, out var v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : fallback;
        var policy = values.GetValueOrDefault("cleanup.policy", "delete").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var d = KafkaDefaults;
        return new RetentionSettings(policy.Contains("delete"), policy.Contains("compact"),
            Long("retention.ms", d.RetentionMs), Long("retention.bytes", d.RetentionBytes), SegmentBytes(), Long("segment.ms", d.SegmentMs));

        // Kafka's internal.segment.bytes (set only by tests and demos) wins over segment.bytes when present.
        long SegmentBytes() => Long("internal.segment.bytes", Long("segment.bytes", d.SegmentBytes));
    }
}

/// <summary>
/// The next cut of one retention rule: which segments go, where the log will start after it,
/// and when. <see cref="DueNow"/> cuts happen at the broker's next retention check
/// (log.retention.check.interval.ms, 5 minutes by default). <see cref="Over"/>: by how much the
/// partition is over retention.bytes (size rule) when due; <see cref="BytesToGo"/>: how much it
/// must still grow before the oldest segment goes.
/// </summary>
public sealed record RetentionCut(string Rule, long Limit, bool DueNow, long CutOffset, int Segments, long Bytes, DateTimeOffset? At, long? Over, long? BytesToGo);

/// <summary>When the active segment rolls: at the first append past segment.bytes (<see cref="BytesToGo"/> more) or past segment.ms (<see cref="ByTime"/>).</summary>
public sealed record RollForecast(bool ActiveIsEmpty, long BytesToGo, DateTimeOffset? BySize, DateTimeOffset? ByTime);

public sealed record SegmentForecast(RetentionCut? Time, RetentionCut? Size, RollForecast Roll, RetentionSettings Settings)
{
    /// <summary>The cut that comes first: one due now, else the earliest known.</summary>
    public RetentionCut? Next => new[] { Time, Size }.Where(c => c is not null)
        .OrderByDescending(c => c!.DueNow).ThenBy(c => c!.At ?? DateTimeOffset.MaxValue).FirstOrDefault();
}

/// <summary>
/// Where retention will cut next, by Kafka's own rules (UnifiedLog.deleteOldSegments): the oldest
/// segments go while a rule holds for each in turn and their offsets are below the high
/// watermark; the active segment too (an empty one is rolled first). Time counts from a
/// segment's largest timestamp (its file's mtime when it has none), size from the partition's
/// total over retention.bytes.
/// </summary>
public static class RetentionForecaster
{
    public static SegmentForecast? Forecast(PartitionLogView log, long highWatermark, RetentionSettings settings, DateTimeOffset now, double? bytesPerSecond)
    {
        var segments = log.Segments;
        if (segments.Count == 0) return null;
        var time = settings.Delete && settings.RetentionMs >= 0 ? TimeCut(segments, highWatermark, settings.RetentionMs, now) : null;
        var size = settings.Delete && settings.RetentionBytes >= 0 ? SizeCut(segments, highWatermark, settings.RetentionBytes, now, bytesPerSecond) : null;
        return new SegmentForecast(time, size, Roll(segments[^1], settings, now, bytesPerSecond), settings);
    }

    private static RetentionCut? TimeCut(IReadOnlyList<SegmentOverview> segments, long highWatermark, long retentionMs, DateTimeOffset now)
    {
        long nowMs = now.ToUnixTimeMilliseconds();
        long Largest(SegmentOverview s) => s.LargestTimestamp ?? s.LastModified.ToUnixTimeMilliseconds();
        var due = Deletable(segments, highWatermark, s => nowMs - Largest(s) > retentionMs);
        if (due.Count > 0)
            return new RetentionCut("retention.ms", retentionMs, true, CutOffset(segments, due.Count), due.Count, due.Sum(s => s.SizeBytes), null, null, null);
        var oldest = segments[0];
        if (oldest.IsEmpty) return null;
        var at = DateTimeOffset.FromUnixTimeMilliseconds(Largest(oldest) + retentionMs);
        return new RetentionCut("retention.ms", retentionMs, false, CutOffset(segments, 1), 1, oldest.SizeBytes, at, null, null);
    }

    private static RetentionCut? SizeCut(IReadOnlyList<SegmentOverview> segments, long highWatermark, long retentionBytes, DateTimeOffset now, double? bytesPerSecond)
    {
        long excess = segments.Sum(s => s.SizeBytes) - retentionBytes;
        long remaining = excess;
        var due = Deletable(segments, highWatermark, s =>
        {
            if (remaining - s.SizeBytes < 0) return false;
            remaining -= s.SizeBytes;
            return true;
        });
        if (due.Count > 0)
            return new RetentionCut("retention.bytes", retentionBytes, true, CutOffset(segments, due.Count), due.Count, due.Sum(s => s.SizeBytes), null, excess, null);
        var oldest = segments[0];
        if (oldest.IsEmpty) return null;
        long toGo = oldest.SizeBytes - excess; // the oldest goes once the partition is over the limit by its own size
        DateTimeOffset? at = bytesPerSecond > 0 ? now.AddSeconds(toGo / bytesPerSecond.Value) : null;
        return new RetentionCut("retention.bytes", retentionBytes, false, CutOffset(segments, 1), 1, oldest.SizeBytes, at, null, toGo);
    }

    private static RollForecast Roll(SegmentOverview active, RetentionSettings settings, DateTimeOffset now, double? bytesPerSecond)
    {
        long toGo = Math.Max(0, settings.SegmentBytes - active.SizeBytes);
        DateTimeOffset? bySize = bytesPerSecond > 0 ? now.AddSeconds(toGo / bytesPerSecond.Value) : null;
        DateTimeOffset? byTime = active.FirstBatchTimestamp is { } first && first >= 0 && !active.IsEmpty
            ? DateTimeOffset.FromUnixTimeMilliseconds(first).AddMilliseconds(Math.Min(settings.SegmentMs, (long)TimeSpan.FromDays(100 * 365).TotalMilliseconds))
            : null;
        return new RollForecast(active.IsEmpty, toGo, bySize, byTime);
    }

    /// <summary>Kafka's deletableSegments: the oldest segments while the rule holds, only those wholly below the high watermark, never a lone empty active segment.</summary>
    private static List<SegmentOverview> Deletable(IReadOnlyList<SegmentOverview> segments, long highWatermark, Func<SegmentOverview, bool> rule)
    {
        var result = new List<SegmentOverview>();
        for (int i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            bool last = i == segments.Count - 1;
            long upperBound = last ? segment.NextOffset ?? segment.BaseOffset : segments[i + 1].BaseOffset;
            if ((last && segment.SizeBytes == 0) || highWatermark < upperBound || !rule(segment)) break;
            result.Add(segment);
        }
        return result;
    }

    /// <summary>The log start offset once the first <paramref name="count"/> segments are gone (all of them: the active's end, where the new segment starts).</summary>
    private static long CutOffset(IReadOnlyList<SegmentOverview> segments, int count) =>
        count < segments.Count ? segments[count].BaseOffset : segments[^1].NextOffset ?? segments[^1].BaseOffset;
}
