using ControlCenter.Broker.Protocol;
using ControlCenter.LogFormat.Files;
using ControlCenter.LogFormat.Records;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Storage;

/// <param name="EndOffset">The log end right after this append: acks=all waits until the high watermark reaches it.</param>
internal sealed record AppendResult(ErrorCode Error, long BaseOffset = -1, long LogAppendTime = -1, long LogStartOffset = -1, string? Message = null, long EndOffset = -1);

/// <summary>
/// The log of one partition (Kafka's UnifiedLog): an ordered list of segments, the log start
/// offset, the log end offset and the high watermark. Appends are serialised by a lock;
/// reads take an immutable snapshot and never block writers.
/// </summary>
internal sealed partial class UnifiedLog : IDisposable
{
    /// <summary>What readers may see: the end of the log and how far into the active segment it reaches.</summary>
    private sealed record EndState(long LogEndOffset, LogSegment Active, long ActiveSize);

    private readonly object _lock = new();
    private readonly SortedList<long, LogSegment> _segments = new();
    private readonly ProducerStateManager _producers = new();
    private readonly DelayedDeleter _deleter;
    private readonly FileHandlePool _files;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private LogSegment[] _segmentsSnapshot = [];
    private EndState _end = null!;
    private long _logStartOffset;
    private TaskCompletionSource _appendSignal = NewSignal();
    private bool _closed;

    private UnifiedLog(string dir, string topic, int partition, LogConfig config, LogServices services)
    {
        Dir = dir;
        Topic = topic;
        Partition = partition;
        Config = config;
        _deleter = services.Deleter;
        _files = services.Files;
        _logger = services.Logger;
        _time = services.Time;
    }

    public FileHandlePool Files => _files;

    public string Dir { get; private set; }
    public string Topic { get; }
    public int Partition { get; }
    public LogConfig Config { get; private set; }
    public long RecoveryPoint { get; private set; }
    public long LogStartOffset => Volatile.Read(ref _logStartOffset);
    public long LogEndOffset => Volatile.Read(ref _end).LogEndOffset;
    /// <summary>
    /// Alone (a single broker) the log is its own ISR and everything appended is committed at
    /// once; a replicated partition's leader moves it to the smallest log end of its ISR.
    /// </summary>
    public long HighWatermark => IsReplicated ? Volatile.Read(ref _highWatermark) : LogEndOffset;
    public IReadOnlyList<LogSegment> Segments => Volatile.Read(ref _segmentsSnapshot);
    public long Size => Segments.Sum(s => s.Size);
    public Task WaitForAppendAsync() => Volatile.Read(ref _appendSignal).Task;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void UpdateConfig(LogConfig config)
    {
        lock (_lock)
        {
            Config = config;
            foreach (var segment in _segments.Values) segment.Config = config;
        }
    }

    // ------------------------------------------------------------------ append

    /// <summary>Validates a producer's batches, assigns offsets and appends them (Kafka's appendAsLeader).</summary>
    public AppendResult AppendAsLeader(Memory<byte> records, short requiredAcks, short produceVersion, long nowMs)
    {
        var config = Config;
        var validation = LogValidator.Validate(records.Span, config, produceVersion, nowMs);
        if (validation.Error != ErrorCode.None)
            return new AppendResult(validation.Error, LogStartOffset: LogStartOffset, Message: validation.Message);
        if (!IsReplicated && requiredAcks == -1 && config.MinInSyncReplicas > 1)
            return new AppendResult(ErrorCode.NotEnoughReplicas, LogStartOffset: LogStartOffset,
                Message: $"min.insync.replicas={config.MinInSyncReplicas} but this single broker is the only in-sync replica");
        if (BatchRewriter.TargetCompression(config) is { } target && validation.Batches.Any(b => b.Compression != target))
            records = BatchRewriter.Recompress(records.Span, target);

        lock (_lock)
        {
            if (_closed) return new AppendResult(ErrorCode.NotLeaderOrFollower, Message: "Partition is being deleted");
            if (IsReplicated && !_isLeader) return new AppendResult(ErrorCode.NotLeaderOrFollower, Message: $"This node is not the leader of {Topic}-{Partition}");
            foreach (var batch in validation.Batches)
            {
                var check = _producers.Check(batch);
                if (check.Error != ErrorCode.None)
                    return new AppendResult(check.Error, LogStartOffset: LogStartOffset, Message: $"Producer {batch.ProducerId}: {check.Error}");
                if (check.DuplicateBaseOffset is { } original)
                    return new AppendResult(ErrorCode.None, original, -1, LogStartOffset, EndOffset: LogEndOffset);
            }
            long logAppendTime = config.TimestampType == TimestampType.LogAppendTime ? nowMs : -1;
            long baseOffset = AssignOffsets(records.Span, logAppendTime);
            AppendLocked(records.Span, nowMs);
            return new AppendResult(ErrorCode.None, baseOffset, logAppendTime, LogStartOffset, EndOffset: LogEndOffset);
        }
    }

    /// <summary>Appends batches the broker built itself (offset commits, converted messages); offsets are assigned here.</summary>
    public long AppendAsCoordinator(Memory<byte> batches, long nowMs)
    {
        lock (_lock)
        {
            if (_closed) throw new KafkaErrorException(ErrorCode.NotLeaderOrFollower, "Partition is being deleted");
            long logAppendTime = Config.TimestampType == TimestampType.LogAppendTime ? nowMs : -1;
            long baseOffset = AssignOffsets(batches.Span, logAppendTime);
            AppendLocked(batches.Span, nowMs);
            return baseOffset;
        }
    }

    private long AssignOffsets(Span<byte> records, long logAppendTime)
    {
        long next = LogEndOffset, first = next;
        int pos = 0;
        while (pos < records.Length)
        {
            var batch = records[pos..];
            RecordBatchHeader.TryRead(batch, out var header);
            RecordBatchHeader.SetBaseOffset(batch, next);
            RecordBatchHeader.SetPartitionLeaderEpoch(batch, Math.Max(0, _leaderEpoch));
            if (logAppendTime >= 0)
            {
                RecordBatchHeader.SetAttributes(batch, (short)(header.Attributes | RecordBatchHeader.TimestampTypeBit));
                RecordBatchHeader.SetMaxTimestamp(batch, logAppendTime);
                RecordBatchHeader.WriteCrc(batch[..header.SizeInBytes]);
            }
            next += header.LastOffsetDelta + 1;
            pos += header.SizeInBytes;
        }
        return first;
    }

    private void AppendLocked(ReadOnlySpan<byte> records, long nowMs)
    {
        long maxTimestamp = -1, lastOffset = LogEndOffset;
        for (int pos = 0; pos < records.Length;)
        {
            RecordBatchHeader.TryRead(records[pos..], out var h);
            maxTimestamp = Math.Max(maxTimestamp, h.MaxTimestamp);
            lastOffset = h.LastOffset;
            pos += h.SizeInBytes;
        }
        var segment = _segments.Values[^1];
        if (segment.ShouldRoll(records.Length, maxTimestamp, lastOffset, nowMs))
            segment = RollLocked(nowMs);
        segment.Append(records);
        for (int pos = 0; pos < records.Length;)
        {
            RecordBatchHeader.TryRead(records[pos..], out var h);
            TrackBatch(h, records[pos..], segment);
            pos += h.SizeInBytes;
        }
        PublishEnd(lastOffset + 1);
        Interlocked.Exchange(ref _appendSignal, NewSignal()).TrySetResult();
    }

    private void PublishEnd(long logEndOffset)
    {
        var active = _segments.Values[^1];
        Volatile.Write(ref _end, new EndState(logEndOffset, active, active.Size));
    }

    private void PublishSegments() => Volatile.Write(ref _segmentsSnapshot, _segments.Values.ToArray());

    // ------------------------------------------------------------------ roll

    /// <summary>The idempotent producers this partition has state for (DescribeProducers).</summary>
    public List<ActiveProducer> ActiveProducers() { lock (_lock) return _producers.Describe(); }

    public void Roll() { lock (_lock) RollLocked(_time.GetUtcNow().ToUnixTimeMilliseconds()); }

    private LogSegment RollLocked(long nowMs)
    {
        long newBase = LogEndOffset;
        var active = _segments.Values[^1];
        if (active.BaseOffset == newBase && active.Size == 0) return active;
        active.OnBecomeInactive();
        var segment = LogSegment.Open(Dir, newBase, Config, create: true, _files, nowMs);
        _segments.Add(newBase, segment);
        PublishSegments();
        PublishEnd(newBase);
        RecoveryPoint = newBase;
        _logger.LogDebug("Rolled {Topic}-{Partition} at offset {Offset}", Topic, Partition, newBase);
        return segment;
    }

    // ------------------------------------------------------------------ read

    /// <summary>
    /// Bytes to return for a fetch at <paramref name="fetchOffset"/>, up to the high watermark.
    /// Throws OFFSET_OUT_OF_RANGE outside [log start, log end].
    /// </summary>
    /// <remarks>
    /// A replicated partition shows consumers only what the ISR has (up to the high watermark);
    /// followers fetch with <paramref name="uncommitted"/> and read to the log end; read_committed
    /// consumers (<paramref name="readCommitted"/>) stop at the last stable offset.
    /// </remarks>
    public SegmentSlice? Read(long fetchOffset, int maxBytes, bool minOneMessage, bool uncommitted = false, bool readCommitted = false)
    {
        var end = Volatile.Read(ref _end);
        if (fetchOffset < LogStartOffset || fetchOffset > end.LogEndOffset)
            throw new KafkaErrorException(ErrorCode.OffsetOutOfRange,
                $"Offset {fetchOffset} is outside [{LogStartOffset}, {end.LogEndOffset}] of {Topic}-{Partition}");
        long limit = IsReplicated && !uncommitted ? Math.Min(HighWatermark, end.LogEndOffset) : end.LogEndOffset;
        if (readCommitted) limit = Math.Min(limit, LastStableOffset);
        if (fetchOffset >= limit) return null;
        var segments = Volatile.Read(ref _segmentsSnapshot);
        for (int i = FloorSegment(segments, fetchOffset); i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment.BaseOffset >= limit) return null;
            long maxPosition = ReferenceEquals(segment, end.Active) ? end.ActiveSize : segment.Size;
            if (limit < end.LogEndOffset && (i + 1 == segments.Length || segments[i + 1].BaseOffset > limit)
                && segment.FindBatch(limit, maxPosition) is { } cut)
                maxPosition = cut.Position; // the batch at the high watermark and later ones are not committed yet
            if (segment.Read(fetchOffset, maxBytes, maxPosition, minOneMessage) is { } slice) return slice;
        }
        return null;
    }

    private static int FloorSegment(LogSegment[] segments, long offset)
    {
        int lo = 0, hi = segments.Length - 1, found = 0;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (segments[mid].BaseOffset <= offset) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }

    /// <summary>
    /// ListOffsets: -1 latest (the last stable offset for <paramref name="readCommitted"/>), -2
    /// earliest, -3 max timestamp, otherwise the first record at or after the timestamp.
    /// </summary>
    public (long Timestamp, long Offset)? FetchOffsetByTimestamp(long timestamp, bool readCommitted = false)
    {
        switch (timestamp)
        {
            case -1: return (-1, readCommitted ? LastStableOffset : HighWatermark);
            case -2: return (-1, LogStartOffset);
            case -3: return MaxTimestampOffset();
            case -4: return (-1, LogStartOffset); // earliest local (KIP-405): every segment here is local
            case -5: return (-1, -1); // latest tiered (KIP-1005): nothing is tiered, as Kafka answers without remote storage
        }
        long logStart = LogStartOffset;
        foreach (var segment in Segments)
        {
            if (segment.LargestTimestamp < timestamp || segment.Size == 0) continue;
            if (segment.FindOffsetByTimestamp(timestamp, logStart) is { } found) return found;
        }
        return null;
    }

    private (long Timestamp, long Offset)? MaxTimestampOffset()
    {
        LogSegment? best = null;
        foreach (var segment in Segments)
            if (segment.Size > 0 && (best is null || segment.MaxTimestampSoFar > best.MaxTimestampSoFar)) best = segment;
        if (best is null || best.MaxTimestampSoFar < 0) return (-1, -1);
        // The index remembers the batch; the exact record with the max timestamp is inside it (KIP-734).
        if (best.FindBatch(best.OffsetOfMaxTimestampSoFar, best.Size) is { } batch)
        {
            using var cursor = best.OpenCursor(batch.Position, batch.Position + batch.Header.SizeInBytes, loadBodies: true);
            if (cursor.MoveNext())
                foreach (var record in RecordCodec.ReadRecords(cursor.CurrentBatch))
                    if (record.Timestamp == best.MaxTimestampSoFar) return (record.Timestamp, record.Offset);
        }
        return (best.MaxTimestampSoFar, best.OffsetOfMaxTimestampSoFar);
    }
}
