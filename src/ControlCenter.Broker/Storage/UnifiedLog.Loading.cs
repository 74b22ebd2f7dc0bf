using ControlCenter.LogFormat.Files;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Storage;

internal sealed partial class UnifiedLog
{
    /// <summary>
    /// Opens a partition directory. After an unclean shutdown every segment from the recovery
    /// point on is re-read and CRC-checked: a torn tail is cut off and later segments dropped,
    /// exactly as Kafka's LogLoader does. Missing or inconsistent indexes are rebuilt.
    /// </summary>
    public static UnifiedLog Load(string dir, string topic, int partition, LogConfig config, long recoveryPoint,
        long logStartOffsetCheckpoint, bool hadCleanShutdown, LogServices services)
    {
        Directory.CreateDirectory(dir);
        var logger = services.Logger;
        var log = new UnifiedLog(dir, topic, partition, config, services);
        RemoveTemporaryFiles(dir);

        var baseOffsets = Directory.EnumerateFiles(dir, "*" + LogFileNames.LogSuffix)
            .Select(f => LogFileNames.ParseBaseOffset(Path.GetFileName(f)))
            .Where(o => o is not null).Select(o => o!.Value).Order().ToList();

        bool truncatedEarlier = false;
        foreach (long baseOffset in baseOffsets)
        {
            if (truncatedEarlier)
            {
                // A segment before this one lost its tail: nothing after it can be trusted.
                logger.LogWarning("Deleting segment {Base} of {Topic}-{Partition} after a truncated one", baseOffset, topic, partition);
                DeleteSegmentFiles(dir, baseOffset);
                continue;
            }
            var segment = LogSegment.Open(dir, baseOffset, config, create: false, services.Files, services.NowMs);
            bool indexMissing = !File.Exists(segment.Index.FilePath) || !File.Exists(segment.TimeIndex.FilePath);
            bool needsRecovery = (!hadCleanShutdown && baseOffset >= FloorOf(baseOffsets, recoveryPoint))
                || indexMissing || !segment.Index.IsConsistent(Math.Max(segment.Size, 1));
            if (needsRecovery)
            {
                long removed = segment.Recover();
                if (removed > 0)
                {
                    logger.LogWarning("Recovered {Topic}-{Partition} segment {Base}: truncated {Bytes} invalid bytes at the tail",
                        topic, partition, baseOffset, removed);
                    truncatedEarlier = true;
                }
            }
            log._segments.Add(baseOffset, segment);
        }

        if (log._segments.Count == 0)
        {
            long start = Math.Max(0, logStartOffsetCheckpoint);
            log._segments.Add(start, LogSegment.Open(dir, start, config, create: true, services.Files, services.NowMs));
        }
        // Earlier segments are closed: their indexes are read lazily and never written.
        foreach (var closed in log._segments.Values.SkipLast(1)) { closed.Index.Seal(); closed.TimeIndex.Seal(); }

        var active = log._segments.Values[^1];
        log.PublishSegments();
        log.PublishEnd(active.ReadNextOffset());
        log._logStartOffset = Math.Max(logStartOffsetCheckpoint, log._segments.Keys[0]);
        if (log._logStartOffset > log.LogEndOffset) log._logStartOffset = log.LogEndOffset;
        log.RecoveryPoint = log.LogEndOffset;
        log.RebuildTransactionState(allSegments: false);
        return log;
    }

    private static long FloorOf(List<long> baseOffsets, long offset)
    {
        long floor = baseOffsets.Count > 0 ? baseOffsets[0] : 0;
        foreach (long b in baseOffsets) if (b <= offset) floor = b;
        // The active segment is always re-checked after a crash, whatever the checkpoint says.
        return Math.Min(floor, baseOffsets.Count > 0 ? baseOffsets[^1] : 0);
    }

    private static void RemoveTemporaryFiles(string dir)
    {
        foreach (var file in Directory.EnumerateFiles(dir))
        {
            string name = Path.GetFileName(file);
            if (name.EndsWith(LogFileNames.DeletedSuffix, StringComparison.Ordinal)
                || name.EndsWith(LogFileNames.CleanedSuffix, StringComparison.Ordinal)
                || name.EndsWith(".tmp", StringComparison.Ordinal))
                File.Delete(file);
        }
        CompleteInterruptedSwaps(dir);
    }

    /// <summary>
    /// A ".swap" file is a cleaned segment that was fully written before the crash: finish
    /// installing it (replacing the segments it covers), as Kafka's LogLoader does.
    /// </summary>
    private static void CompleteInterruptedSwaps(string dir)
    {
        foreach (var swap in Directory.EnumerateFiles(dir, "*" + LogFileNames.LogSuffix + LogFileNames.SwapSuffix).Order())
        {
            long? baseOffset = LogFileNames.ParseBaseOffset(Path.GetFileName(swap));
            if (baseOffset is null) continue;
            string marker = swap[..^LogFileNames.SwapSuffix.Length] + ".covers";
            long coversUntil = File.Exists(marker) && long.TryParse(File.ReadAllText(marker), out long c) ? c : baseOffset.Value;
            foreach (var log in Directory.EnumerateFiles(dir, "*" + LogFileNames.LogSuffix))
            {
                long? other = LogFileNames.ParseBaseOffset(Path.GetFileName(log));
                if (other is { } o && o >= baseOffset && o < coversUntil) DeleteSegmentFiles(dir, o);
            }
            foreach (var suffix in new[] { LogFileNames.LogSuffix, LogFileNames.IndexSuffix, LogFileNames.TimeIndexSuffix })
            {
                string from = Path.Combine(dir, LogFileNames.FormatOffset(baseOffset.Value) + suffix + LogFileNames.SwapSuffix);
                if (File.Exists(from)) File.Move(from, from[..^LogFileNames.SwapSuffix.Length], overwrite: true);
            }
            File.Delete(marker);
        }
        foreach (var leftover in Directory.EnumerateFiles(dir, "*" + LogFileNames.SwapSuffix)) File.Delete(leftover);
        foreach (var leftover in Directory.EnumerateFiles(dir, "*.covers")) File.Delete(leftover);
    }

    private static void DeleteSegmentFiles(string dir, long baseOffset)
    {
        File.Delete(LogFileNames.LogFile(dir, baseOffset));
        File.Delete(LogFileNames.IndexFile(dir, baseOffset));
        File.Delete(LogFileNames.TimeIndexFile(dir, baseOffset));
    }

    // ------------------------------------------------------------------ shutdown and deletion

    /// <summary>Flushes every segment to disk (checkpointing moves the recovery point here).</summary>
    public void Flush()
    {
        lock (_lock)
        {
            if (_closed) return;
            _segments.Values[^1].Flush();
            RecoveryPoint = LogEndOffset;
        }
    }

    /// <summary>Clean close: final time-index entry, indexes sealed, data fsynced.</summary>
    public void Close()
    {
        lock (_lock)
        {
            if (_closed) return;
            _closed = true;
            _segments.Values[^1].OnBecomeInactive();
            RecoveryPoint = LogEndOffset;
            foreach (var segment in _segments.Values) segment.Dispose();
        }
        _appendSignal.TrySetResult();
    }

    /// <summary>Closes the files without the final index entry or fsync (a simulated crash).</summary>
    public void Abandon()
    {
        lock (_lock)
        {
            if (_closed) return;
            _closed = true;
            foreach (var segment in _segments.Values) segment.Dispose();
        }
        _appendSignal.TrySetResult();
    }

    /// <summary>
    /// Deletes the partition: the directory is renamed to "topic-p.uuid-delete" at once (so a
    /// new topic of the same name starts clean) and removed after file.delete.delay.ms.
    /// </summary>
    public void Delete()
    {
        LogSegment[] segments;
        lock (_lock)
        {
            if (_closed) return;
            _closed = true;
            segments = _segments.Values.ToArray();
            _segments.Clear();
        }
        _appendSignal.TrySetResult();
        string deletedDir = $"{Dir}.{Guid.NewGuid():N}{LogFileNames.DeleteDirSuffix}";
        try { Directory.Move(Dir, deletedDir); }
        catch (IOException) { deletedDir = Dir; }
        Dir = deletedDir;
        _deleter.Schedule(Config.FileDeleteDelayMs, () =>
        {
            foreach (var segment in segments) segment.Dispose();
            Directory.Delete(deletedDir, recursive: true);
        });
    }

    public void Dispose() => Close();
}
