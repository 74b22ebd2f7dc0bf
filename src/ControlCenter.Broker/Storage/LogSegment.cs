using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.LogFormat.Files;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.Broker.Storage;

/// <summary>Where a fetch should read from a segment: a byte range of whole (or one trailing partial) batches.</summary>
internal readonly record struct SegmentSlice(LogSegment Segment, long Position, int Length, long FirstBatchOffset) : IRecordsSource
{
    public void CopyTo(Span<byte> destination) => Segment.ReadInto(destination, Position);
}

/// <summary>
/// One segment of a partition: the .log file of record batches with its sparse .index and
/// .timeindex (Kafka's LogSegment). Appends happen under the owning log's lock; reads are
/// lock-free and only see bytes up to <see cref="Size"/>, which is published after each write.
/// Files are pooled: the descriptor is opened on use and may be closed while idle.
/// </summary>
internal sealed class LogSegment : IDisposable
{
    private readonly PooledFile _log;
    private long _size;
    private int _bytesSinceLastIndexEntry;
    private long? _rollingBasedTimestamp;
    private long _maxTimestampSoFar = -1;
    private long _offsetOfMaxTimestampSoFar = -1;
    private bool _maxTimestampLoaded;

    private LogSegment(string dir, long baseOffset, LogConfig config, PooledFile log, long size, long createdMs, string suffix, FileHandlePool pool)
    {
        Dir = dir;
        BaseOffset = baseOffset;
        Config = config;
        _log = log;
        _size = size;
        CreatedMs = createdMs;
        Index = new OffsetIndex(LogFileNames.IndexFile(dir, baseOffset) + suffix, baseOffset, config.SegmentIndexBytes, pool);
        TimeIndex = new TimeIndex(LogFileNames.TimeIndexFile(dir, baseOffset) + suffix, baseOffset, config.SegmentIndexBytes, pool);
        TxnIndex = new TransactionIndex(LogFileNames.TxnIndexFile(dir, baseOffset) + suffix);
    }

    public string Dir { get; }
    public long BaseOffset { get; }
    public LogConfig Config { get; set; }
    public OffsetIndex Index { get; }
    public TimeIndex TimeIndex { get; }
    /// <summary>Aborted transactions whose marker is in this segment.</summary>
    public TransactionIndex TxnIndex { get; }
    public long CreatedMs { get; }
    public string LogPath => _log.Path;
    public long Size => Volatile.Read(ref _size);

    /// <summary>Opens (or with <paramref name="create"/> creates) a segment; a new empty one counts its age from <paramref name="nowMs"/> (segment.ms).</summary>
    public static LogSegment Open(string dir, long baseOffset, LogConfig config, bool create, FileHandlePool pool, long nowMs, string suffix = "")
    {
        string path = LogFileNames.LogFile(dir, baseOffset) + suffix;
        var file = pool.Register(path, create);
        long size;
        using (var lease = file.Acquire()) size = RandomAccess.GetLength(lease.Handle);
        long created = new DateTimeOffset(File.GetCreationTimeUtc(path)).ToUnixTimeMilliseconds();
        return new LogSegment(dir, baseOffset, config, file, size, create && size == 0 ? nowMs : created, suffix, pool);
    }

    /// <summary>A cursor over this segment's batches that keeps the file open until disposed.</summary>
    public BatchCursor OpenCursor(long start, long end, bool loadBodies, int bufferSize = 1 << 20)
    {
        var lease = _log.Acquire();
        return new BatchCursor(lease.Handle, start, end, loadBodies, bufferSize, lease);
    }

    /// <summary>Reads bytes at a position into <paramref name="destination"/>; bytes past the end are zeroed.</summary>
    public void ReadInto(Span<byte> destination, long position)
    {
        using var lease = _log.Acquire();
        int read = 0;
        while (read < destination.Length)
        {
            int n = RandomAccess.Read(lease.Handle, destination[read..], position + read);
            if (n <= 0) break;
            read += n;
        }
        if (read < destination.Length) destination[read..].Clear();
    }

    /// <summary>The largest record timestamp in the segment (loaded from the time index for closed segments).</summary>
    public long MaxTimestampSoFar { get { LoadMaxTimestamp(); return _maxTimestampSoFar; } }
    public long OffsetOfMaxTimestampSoFar { get { LoadMaxTimestamp(); return _offsetOfMaxTimestampSoFar; } }

    /// <summary>For time-based retention: the max timestamp, or the file's modification time when it has none.</summary>
    public long LargestTimestamp
    {
        get
        {
            long ts = MaxTimestampSoFar;
            return ts >= 0 ? ts : new DateTimeOffset(File.GetLastWriteTimeUtc(LogPath)).ToUnixTimeMilliseconds();
        }
    }

    private void LoadMaxTimestamp()
    {
        if (_maxTimestampLoaded) return;
        _maxTimestampLoaded = true;
        if (TimeIndex.LastEntry is { } last && last.Timestamp > _maxTimestampSoFar)
        {
            _maxTimestampSoFar = last.Timestamp;
            _offsetOfMaxTimestampSoFar = last.Offset;
        }
    }

    /// <summary>Appends whole batches that already carry their final offsets.</summary>
    public void Append(ReadOnlySpan<byte> batches)
    {
        LoadMaxTimestamp();
        long position = _size;
        using (var lease = _log.Acquire()) RandomAccess.Write(lease.Handle, batches, position);
        int pos = 0;
        while (pos < batches.Length)
        {
            RecordBatchHeader.TryRead(batches[pos..], out var batch);
            if (batch.MaxTimestamp > _maxTimestampSoFar)
            {
                _maxTimestampSoFar = batch.MaxTimestamp;
                _offsetOfMaxTimestampSoFar = batch.LastOffset;
            }
            _rollingBasedTimestamp ??= batch.MaxTimestamp;
            if (_bytesSinceLastIndexEntry > Config.IndexIntervalBytes)
            {
                Index.Append(batch.LastOffset, (int)(position + pos));
                TimeIndex.MaybeAppend(_maxTimestampSoFar, _offsetOfMaxTimestampSoFar);
                _bytesSinceLastIndexEntry = 0;
            }
            _bytesSinceLastIndexEntry += batch.SizeInBytes;
            pos += batch.SizeInBytes;
        }
        Volatile.Write(ref _size, position + batches.Length);
    }

    /// <summary>Kafka's LogSegment.shouldRoll: size, age, full indexes or relative-offset overflow.</summary>
    public bool ShouldRoll(int incomingBytes, long maxTimestampInBatch, long lastOffsetInBatch, long nowMs)
    {
        long size = Size;
        bool reachedRollMs = size > 0 && TimeWaitedForRoll(nowMs, maxTimestampInBatch) > Config.SegmentMs - Config.SegmentJitterMs;
        return size > Config.SegmentBytes - incomingBytes
            || reachedRollMs
            || Index.IsFull || TimeIndex.IsFull
            || lastOffsetInBatch - BaseOffset > int.MaxValue;
    }

    private long TimeWaitedForRoll(long nowMs, long messageTimestamp)
    {
        if (_rollingBasedTimestamp is null && Size > 0)
        {
            using var cursor = OpenCursor(0, Size, loadBodies: false, bufferSize: 4096);
            if (cursor.MoveNext()) _rollingBasedTimestamp = cursor.Header.MaxTimestamp;
        }
        return _rollingBasedTimestamp is { } t and >= 0 ? messageTimestamp - t : nowMs - CreatedMs;
    }

    /// <summary>Finds the batch holding <paramref name="offset"/>: its position and header, or null past the end.</summary>
    public (long Position, RecordBatchHeader Header)? FindBatch(long offset, long maxPosition)
    {
        var (_, startPosition) = Index.Lookup(offset);
        using var cursor = OpenCursor(startPosition, Math.Min(Size, maxPosition), loadBodies: false, bufferSize: 16 * 1024);
        while (cursor.MoveNext())
            if (cursor.Header.LastOffset >= offset) return (cursor.Position, cursor.Header);
        return null;
    }

    /// <summary>
    /// The byte range to return for a fetch from <paramref name="startOffset"/>: up to
    /// <paramref name="maxSize"/> bytes, or the whole first batch when it alone is bigger and
    /// <paramref name="minOneMessage"/> is set (KIP-74).
    /// </summary>
    public SegmentSlice? Read(long startOffset, int maxSize, long maxPosition, bool minOneMessage)
    {
        var found = FindBatch(startOffset, maxPosition);
        if (found is not { } batch) return null;
        long available = Math.Min(Size, maxPosition) - batch.Position;
        int length = (int)Math.Min(available, maxSize);
        if (minOneMessage && length < batch.Header.SizeInBytes) length = (int)Math.Min(available, batch.Header.SizeInBytes);
        if (length <= 0) return null;
        return new SegmentSlice(this, batch.Position, length, batch.Header.BaseOffset);
    }

    /// <summary>Kafka's findOffsetByTimestamp: the first record at or after the timestamp (and offset).</summary>
    public (long Timestamp, long Offset)? FindOffsetByTimestamp(long timestamp, long startingOffset)
    {
        var entry = TimeIndex.Lookup(timestamp);
        long fromOffset = Math.Max(entry?.Offset ?? BaseOffset, startingOffset);
        var (_, position) = Index.Lookup(fromOffset);
        using var cursor = OpenCursor(position, Size, loadBodies: true);
        while (cursor.MoveNext())
        {
            if (cursor.Header.MaxTimestamp < timestamp || cursor.Header.LastOffset < startingOffset) continue;
            foreach (var record in RecordCodec.ReadRecords(cursor.CurrentBatch))
                if (record.Timestamp >= timestamp && record.Offset >= startingOffset)
                    return (record.Timestamp, record.Offset);
        }
        return null;
    }

    /// <summary>
    /// Rebuilds the indexes by reading every batch, validating each (CRC included); the first
    /// invalid or partial batch and everything after it are cut off. Returns the bytes removed.
    /// </summary>
    public long Recover(Action<RecordBatchHeader>? onBatch = null)
    {
        Index.Reset();
        TimeIndex.Reset();
        _maxTimestampSoFar = -1;
        _offsetOfMaxTimestampSoFar = -1;
        _maxTimestampLoaded = true;
        _bytesSinceLastIndexEntry = 0;
        _rollingBasedTimestamp = null;
        long valid = 0;
        using var lease = _log.Acquire();
        long size = RandomAccess.GetLength(lease.Handle);
        using (var cursor = new BatchCursor(lease.Handle, 0, size, loadBodies: true))
        {
            while (cursor.MoveNext())
            {
                var header = cursor.Header;
                if (!header.IsCrcValid(cursor.CurrentBatch) || header.LastOffset < BaseOffset
                    || header.LastOffset - BaseOffset > int.MaxValue || header.RecordCount < 0) break;
                if (header.MaxTimestamp > _maxTimestampSoFar)
                {
                    _maxTimestampSoFar = header.MaxTimestamp;
                    _offsetOfMaxTimestampSoFar = header.LastOffset;
                }
                _rollingBasedTimestamp ??= header.MaxTimestamp;
                if (_bytesSinceLastIndexEntry > Config.IndexIntervalBytes)
                {
                    Index.Append(header.LastOffset, (int)cursor.Position);
                    TimeIndex.MaybeAppend(_maxTimestampSoFar, _offsetOfMaxTimestampSoFar);
                    _bytesSinceLastIndexEntry = 0;
                }
                _bytesSinceLastIndexEntry += header.SizeInBytes;
                onBatch?.Invoke(header);
                valid = cursor.NextPosition;
            }
        }
        long truncated = size - valid;
        if (truncated > 0) RandomAccess.SetLength(lease.Handle, valid);
        Volatile.Write(ref _size, valid);
        return truncated;
    }

    /// <summary>Cuts the segment at a batch boundary (a follower's truncation) and rebuilds its indexes.</summary>
    public void TruncateTo(long position)
    {
        using (var lease = _log.Acquire()) RandomAccess.SetLength(lease.Handle, Math.Min(position, Size));
        Recover();
    }

    /// <summary>The offset after the last batch: scans forward from the last index entry.</summary>
    public long ReadNextOffset()
    {
        var start = Index.LastEntry?.Position ?? 0;
        long next = BaseOffset;
        using var cursor = OpenCursor(start, Size, loadBodies: false);
        while (cursor.MoveNext()) next = cursor.Header.NextOffset;
        return next;
    }

    /// <summary>Visits every batch header (used to rebuild producer state).</summary>
    public void ScanHeaders(Action<RecordBatchHeader> visit, long fromPosition = 0)
    {
        using var cursor = OpenCursor(fromPosition, Size, loadBodies: false);
        while (cursor.MoveNext()) visit(cursor.Header);
    }

    /// <summary>Called when the segment stops being active: final time index entry, indexes sealed, data fsynced.</summary>
    public void OnBecomeInactive()
    {
        LoadMaxTimestamp();
        if (_maxTimestampSoFar >= 0) TimeIndex.MaybeAppend(_maxTimestampSoFar, _offsetOfMaxTimestampSoFar, skipFullCheck: true);
        Index.Seal();
        TimeIndex.Seal();
        Flush();
    }

    public void Flush()
    {
        using (var lease = _log.Acquire()) RandomAccess.FlushToDisk(lease.Handle);
        Index.Flush();
        TimeIndex.Flush();
    }

    /// <summary>Renames the segment's files by adding a suffix such as ".deleted" (Kafka's async delete).</summary>
    public void AddSuffix(string suffix) => ChangeSuffix("", suffix);

    /// <summary>Renames the segment's files from one suffix to another ("" for the final names).</summary>
    public void ChangeSuffix(string from, string to)
    {
        string Rename(string p) => (p.EndsWith(from, StringComparison.Ordinal) ? p[..^from.Length] : p) + to;
        string newLog = Rename(LogPath);
        File.Move(LogPath, newLog, overwrite: true);
        _log.Path = newLog;
        Index.RenameTo(Rename(Index.FilePath));
        TimeIndex.RenameTo(Rename(TimeIndex.FilePath));
        TxnIndex.RenameTo(Rename(TxnIndex.FilePath));
    }

    public void DeleteFiles()
    {
        string path = LogPath;
        Dispose();
        File.Delete(path);
        Index.DeleteFile();
        TimeIndex.DeleteFile();
        TxnIndex.DeleteFile();
    }

    public void Dispose()
    {
        _log.Dispose();
        Index.Dispose();
        TimeIndex.Dispose();
    }
}
