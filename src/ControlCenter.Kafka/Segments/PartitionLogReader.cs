using System.Diagnostics;
using System.Globalization;
using ControlCenter.LogFormat.Files;
using ControlCenter.LogFormat.Records;
using Microsoft.Win32.SafeHandles;

namespace ControlCenter.Kafka.Segments;

/// <summary>
/// Reads a Kafka partition directory (the embedded broker's or a real Kafka's) read-only while a
/// broker may be writing it. Files are opened shared and closed before returning, so nothing is
/// locked; a segment deleted or renamed between listing and reading is left out; the batch
/// being written at a tail ends the walk quietly (<see cref="BatchCursorStop.Incomplete"/>).
/// Costs follow what is asked for: the listing reads names, sizes and a few headers per
/// segment; statistics read headers only; only batch pages and CRC checks read whole batches.
/// </summary>
public static class PartitionLogReader
{
    /// <summary>Header walks read this much at a time: one read per batch for large batches, few for small ones.</summary>
    private const int HeaderBufferBytes = 16 * 1024;

    /// <summary>The partition's directory in the first log dir that has it, or null.</summary>
    /// <remarks>
    /// With several replicas in view (one log dir per broker of the embedded cluster) the copy of
    /// <paramref name="preferredNode"/> (the leader: the one clients read) comes first; a log dir's
    /// node is the node.id of its meta.properties, as Kafka writes it.
    /// </remarks>
    public static string? FindPartitionDir(IEnumerable<string> logDirs, string topic, int partition, int preferredNode = -1)
    {
        string name = LogFileNames.PartitionDirName(topic, partition);
        var ordered = preferredNode < 0 ? logDirs : logDirs.OrderBy(d => NodeIdOf(d) == preferredNode ? 0 : 1);
        foreach (var logDir in ordered)
        {
            string dir = Path.Combine(logDir, name);
            if (Directory.Exists(dir)) return dir;
        }
        return null;
    }

    /// <summary>The node.id in a log dir's meta.properties (-1 when there is none or it cannot be read).</summary>
    public static int NodeIdOf(string logDir)
    {
        try
        {
            string path = Path.Combine(logDir, LogFileNames.MetaPropertiesFile);
            if (!File.Exists(path)) return -1;
            foreach (var line in File.ReadLines(path))
                if (line.StartsWith("node.id=", StringComparison.Ordinal) && int.TryParse(line.AsSpan(8), out int id)) return id;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return -1;
    }

    /// <summary>Every segment of the partition, oldest first, with the other files of the directory.</summary>
    public static PartitionLogView List(string dir, string topic, int partition, DateTimeOffset readAt)
    {
        var logs = new List<(long BaseOffset, FileInfo File)>();
        var others = new List<LogDirFile>();
        foreach (var file in new DirectoryInfo(dir).EnumerateFiles())
        {
            if (file.Name.EndsWith(LogFileNames.LogSuffix, StringComparison.Ordinal) && LogFileNames.ParseBaseOffset(file.Name) is { } baseOffset)
                logs.Add((baseOffset, file));
            else if (!IsIndexOfASegment(file.Name))
                others.Add(new LogDirFile(file.Name, SafeLength(file), Meaning(file.Name)));
        }
        logs.Sort((a, b) => a.BaseOffset.CompareTo(b.BaseOffset));
        // A few small reads per segment, mostly waiting on the file system: spread over the cores.
        var described = new SegmentOverview?[logs.Count];
        Parallel.For(0, logs.Count, i => described[i] = Describe(dir, logs[i].BaseOffset, isActive: i == logs.Count - 1));
        var segments = described.OfType<SegmentOverview>().ToList();
        return new PartitionLogView(topic, partition, dir, segments, others.OrderBy(f => f.Name, StringComparer.Ordinal).ToList(),
            CleanerCheckpoint(dir, topic, partition), readAt);
    }

    /// <summary>One segment's overview; null when its .log is gone (deleted or renamed meanwhile).</summary>
    public static SegmentOverview? Describe(string dir, long baseOffset, bool isActive)
    {
        string logPath = LogFileNames.LogFile(dir, baseOffset);
        SafeFileHandle log;
        try { log = IndexFileReader.OpenShared(logPath); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return null; }
        using (log)
        {
            long size = RandomAccess.GetLength(log);
            var modified = new DateTimeOffset(File.GetLastWriteTimeUtc(logPath), TimeSpan.Zero);
            var (indexEntries, lastIndex) = LastEntry(LogFileNames.IndexFile(dir, baseOffset), OffsetIndexEntry.Size, IndexFileReader.ReadOffsetEntries);
            var (timeEntries, lastTime) = LastEntry(LogFileNames.TimeIndexFile(dir, baseOffset), TimeIndexEntry.Size, IndexFileReader.ReadTimeEntries);

            // The first header, then the batches after the last offset index entry (less than
            // index.interval.bytes plus one batch): enough for the first and last offsets and the
            // largest timestamp, without reading the middle of the segment.
            Span<byte> first = stackalloc byte[RecordBatchHeader.Size];
            RecordBatchHeader? firstHeader = IndexFileReader.ReadFully(log, first, 0) == RecordBatchHeader.Size
                && RecordBatchHeader.TryRead(first, out var h) && h.Magic == 2 ? h : null;
            long tailStart = lastIndex is { } entry && entry.Position < size ? entry.Position : 0;
            long? lastOffset = null, tailMax = null;
            string? problem = null;
            using (var cursor = new BatchCursor(log, tailStart, size, loadBodies: false, HeaderBufferBytes))
            {
                while (cursor.MoveNext())
                {
                    lastOffset = cursor.Header.LastOffset;
                    if (!cursor.Header.HasDeleteHorizon || cursor.Header.TimestampType == TimestampType.LogAppendTime)
                        tailMax = Math.Max(tailMax ?? long.MinValue, cursor.Header.MaxTimestamp);
                }
                if (cursor.Stop == BatchCursorStop.Corrupt)
                    problem = $"Unreadable batch header at position {cursor.NextPosition.ToString("N0", CultureInfo.InvariantCulture)}";
                else if (cursor.Stop == BatchCursorStop.Incomplete && !isActive)
                    problem = $"The last {(size - cursor.NextPosition).ToString("N0", CultureInfo.InvariantCulture)} bytes do not form a whole batch (a closed segment should end on a batch boundary)";
            }
            if (firstHeader is null && size > 0 && problem is null && lastOffset is not null)
                problem = "The first batch header is unreadable";
            long? largest = lastTime?.Timestamp is { } t && t >= 0 ? Math.Max(t, tailMax ?? long.MinValue) : tailMax;
            return new SegmentOverview(baseOffset, size, isActive, indexEntries, timeEntries,
                firstHeader?.BaseOffset ?? (lastOffset is null ? null : baseOffset), lastOffset,
                largest, firstHeader?.MaxTimestamp, modified, problem);
        }
    }

    /// <summary>Walks every batch header of a segment, from <paramref name="resume"/> when given (the active segment grows at its end only).</summary>
    public static SegmentStats Stats(string dir, long baseOffset, SegmentStats? resume = null)
    {
        using var log = IndexFileReader.OpenShared(LogFileNames.LogFile(dir, baseOffset));
        long size = RandomAccess.GetLength(log);
        var s = resume is { } r && r.ValidBytes <= size && r.Tail != BatchCursorStop.Corrupt ? r : null;
        int batches = s?.Batches ?? 0, transactional = s?.TransactionalBatches ?? 0, control = s?.ControlBatches ?? 0;
        long records = s?.Records ?? 0;
        long? firstOffset = s?.FirstOffset, lastOffset = s?.LastOffset, minTs = s?.MinTimestamp, maxTs = s?.MaxTimestamp;
        var codecs = new HashSet<CompressionType>(s?.Codecs ?? []);
        using var cursor = new BatchCursor(log, s?.ValidBytes ?? 0, size, loadBodies: false, 64 * 1024);
        while (cursor.MoveNext())
        {
            var b = cursor.Header;
            batches++;
            records += b.RecordCount;
            firstOffset ??= b.BaseOffset;
            lastOffset = b.LastOffset;
            if (b.IsTransactional) transactional++;
            if (b.IsControl) control++;
            codecs.Add(b.Compression);
            // With the delete-horizon bit the cleaner stored the horizon in baseTimestamp, and
            // LogAppendTime batches carry one time in maxTimestamp: neither base is a record's time.
            long earliest = b.HasDeleteHorizon || b.TimestampType == TimestampType.LogAppendTime ? b.MaxTimestamp : b.BaseTimestamp;
            if (earliest >= 0) minTs = Math.Min(minTs ?? long.MaxValue, earliest);
            if (b.MaxTimestamp >= 0) maxTs = Math.Max(maxTs ?? long.MinValue, b.MaxTimestamp);
        }
        return new SegmentStats(baseOffset, batches, records, firstOffset, lastOffset, minTs, maxTs, transactional, control,
            codecs.Order().ToList(), cursor.NextPosition, size, cursor.Stop);
    }

    /// <summary>Up to <paramref name="count"/> batches from <paramref name="fromPosition"/>, each with its CRC checked.</summary>
    public static BatchPage ReadBatches(string dir, long baseOffset, long fromPosition, int count)
    {
        using var log = IndexFileReader.OpenShared(LogFileNames.LogFile(dir, baseOffset));
        long size = RandomAccess.GetLength(log);
        var batches = new List<BatchInfo>(count);
        using var cursor = new BatchCursor(log, Math.Clamp(fromPosition, 0, size), size, loadBodies: true, 1 << 20);
        while (batches.Count < count && cursor.MoveNext())
        {
            uint crc = RecordBatchHeader.ComputeCrc(cursor.CurrentBatch);
            batches.Add(new BatchInfo(cursor.Position, cursor.Header, crc == cursor.Header.Crc, crc));
        }
        bool more = batches.Count == count && cursor.NextPosition < size;
        return new BatchPage(baseOffset, fromPosition, batches, cursor.NextPosition, more, more ? BatchCursorStop.None : cursor.Stop, size);
    }

    /// <summary>
    /// The position of the batch holding <paramref name="offset"/> (or the first batch after it):
    /// the offset index's greatest entry at or below it, then a header walk, as Kafka looks up a fetch.
    /// </summary>
    public static long PositionOf(string dir, long baseOffset, long offset)
    {
        long start = 0;
        string indexPath = LogFileNames.IndexFile(dir, baseOffset);
        if (File.Exists(indexPath))
        {
            using var index = IndexFileReader.OpenShared(indexPath);
            int total = IndexFileReader.CountEntries(index, OffsetIndexEntry.Size);
            int lo = 0, hi = total - 1, found = -1;
            while (lo <= hi)
            {
                int mid = lo + (hi - lo) / 2;
                var e = IndexFileReader.ReadOffsetEntries(index, total, mid, 1)[0];
                if (baseOffset + e.RelativeOffset <= offset) { found = mid; lo = mid + 1; } else hi = mid - 1;
            }
            if (found >= 0) start = IndexFileReader.ReadOffsetEntries(index, total, found, 1)[0].Position;
        }
        using var log = IndexFileReader.OpenShared(LogFileNames.LogFile(dir, baseOffset));
        long size = RandomAccess.GetLength(log);
        // The entry names a batch's last offset (≤ the target) and where that batch starts: the
        // target is in that batch or after it.
        using var cursor = new BatchCursor(log, Math.Min(start, size), size, loadBodies: false, HeaderBufferBytes);
        while (cursor.MoveNext())
            if (cursor.Header.LastOffset >= offset) return cursor.Position;
        return start;
    }

    /// <summary>Reads every batch whole and recomputes its CRC-32C.</summary>
    public static CrcCheck CheckCrcs(string dir, long baseOffset, int maxInvalidListed = 100)
    {
        var clock = Stopwatch.StartNew();
        using var log = IndexFileReader.OpenShared(LogFileNames.LogFile(dir, baseOffset));
        long size = RandomAccess.GetLength(log);
        int batches = 0, invalid = 0;
        var positions = new List<long>();
        using var cursor = new BatchCursor(log, 0, size, loadBodies: true, 1 << 20);
        while (cursor.MoveNext())
        {
            batches++;
            if (RecordBatchHeader.ComputeCrc(cursor.CurrentBatch) == cursor.Header.Crc) continue;
            invalid++;
            if (positions.Count < maxInvalidListed) positions.Add(cursor.Position);
        }
        return new CrcCheck(baseOffset, batches, invalid, positions, cursor.NextPosition, cursor.Stop, clock.Elapsed);
    }

    public static IndexPage<OffsetIndexRow> ReadOffsetIndex(string dir, long baseOffset, int first, int count) =>
        ReadIndex(LogFileNames.IndexFile(dir, baseOffset), OffsetIndexEntry.Size, first, count, (h, total) =>
            IndexFileReader.ReadOffsetEntries(h, total, first, count)
                .Select((e, i) => new OffsetIndexRow(first + i, e.RelativeOffset, baseOffset + e.RelativeOffset, e.Position)).ToList());

    public static IndexPage<TimeIndexRow> ReadTimeIndex(string dir, long baseOffset, int first, int count) =>
        ReadIndex(LogFileNames.TimeIndexFile(dir, baseOffset), TimeIndexEntry.Size, first, count, (h, total) =>
            IndexFileReader.ReadTimeEntries(h, total, first, count)
                .Select((e, i) => new TimeIndexRow(first + i, e.Timestamp, e.RelativeOffset, baseOffset + e.RelativeOffset)).ToList());

    /// <summary>The segment's .txnindex (absent until a transaction is aborted in it); entries are few, so the file is read whole.</summary>
    public static IndexPage<AbortedTxnRow> ReadTxnIndex(string dir, long baseOffset, int first, int count)
    {
        string path = LogFileNames.TxnIndexFile(dir, baseOffset);
        if (!File.Exists(path)) return new IndexPage<AbortedTxnRow>(first, 0, []);
        var entries = AbortedTxnEntry.ReadAll(File.ReadAllBytes(path));
        return new IndexPage<AbortedTxnRow>(first, entries.Length, entries.Skip(first).Take(count)
            .Select((e, i) => new AbortedTxnRow(first + i, e.ProducerId, e.FirstOffset, e.LastOffset, e.LastStableOffset)).ToList());
    }

    private static IndexPage<T> ReadIndex<T>(string path, int entrySize, int first, int count, Func<SafeFileHandle, int, List<T>> read)
    {
        if (!File.Exists(path)) return new IndexPage<T>(first, 0, []);
        using var handle = IndexFileReader.OpenShared(path);
        int total = IndexFileReader.CountEntries(handle, entrySize);
        return new IndexPage<T>(first, total, read(handle, total));
    }

    private static (int Count, T? Last) LastEntry<T>(string path, int entrySize, Func<SafeFileHandle, int, int, int, T[]> read) where T : struct
    {
        try
        {
            using var handle = IndexFileReader.OpenShared(path);
            int count = IndexFileReader.CountEntries(handle, entrySize);
            return count == 0 ? (0, null) : (count, read(handle, count, count - 1, 1).FirstOrDefault());
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return (0, null); } // rebuilt by the broker when missing
    }

    private static long? CleanerCheckpoint(string dir, string topic, int partition)
    {
        string path = Path.Combine(Path.GetDirectoryName(dir)!, LogFileNames.CleanerOffsetCheckpointFile);
        try { return OffsetCheckpointFile.Read(path).TryGetValue((topic, partition), out long offset) ? offset : null; }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or UnauthorizedAccessException) { return null; }
    }

    private static bool IsIndexOfASegment(string name) =>
        LogFileNames.ParseBaseOffset(name) is not null
        && (name.EndsWith(LogFileNames.IndexSuffix, StringComparison.Ordinal) || name.EndsWith(LogFileNames.TimeIndexSuffix, StringComparison.Ordinal));

    private static long SafeLength(FileInfo file)
    {
        try { return file.Length; }
        catch (IOException) { return 0; }
    }

    private static string Meaning(string name) => name switch
    {
        LogFileNames.PartitionMetadataFile => "the topic id this directory belongs to",
        LogFileNames.LeaderEpochCheckpointFile => "leader epochs and the offsets where they start",
        _ when name.EndsWith(LogFileNames.SnapshotSuffix, StringComparison.Ordinal) => "producer state snapshot (idempotence, transactions)",
        _ when name.EndsWith(LogFileNames.TxnIndexSuffix, StringComparison.Ordinal) => "aborted transactions of a segment",
        _ when name.EndsWith(LogFileNames.DeletedSuffix, StringComparison.Ordinal) => "a segment file removed by retention, unlinked after file.delete.delay.ms",
        _ when name.EndsWith(LogFileNames.CleanedSuffix, StringComparison.Ordinal) || name.EndsWith(LogFileNames.SwapSuffix, StringComparison.Ordinal) => "the log cleaner swapping in a compacted segment",
        _ => "",
    };
}
