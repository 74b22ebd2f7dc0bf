using ControlCenter.Broker.Protocol;
using ControlCenter.LogFormat.Files;
using ControlCenter.LogFormat.Records;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Storage;

/// <summary>
/// The replica side of a log in a multi-node cluster: the high watermark as its own value, the
/// leader epoch stamped on appended batches, the leader epoch cache, appends that keep the
/// leader's offsets (followers) and truncation when a new leader's log diverges. A single
/// broker never turns this on: its high watermark is its log end.
/// </summary>
internal sealed partial class UnifiedLog
{
    private long _highWatermark;
    private int _leaderEpoch = -1;
    private bool _isLeader;
    private LeaderEpochCache? _epochs;

    /// <summary>True once a cluster's replica manager owns this log (leader or follower).</summary>
    public bool IsReplicated { get; private set; }
    public bool IsLeader => IsReplicated ? _isLeader : true;
    public int LeaderEpoch => Math.Max(0, _leaderEpoch);
    private LeaderEpochCache Epochs => _epochs ??= new LeaderEpochCache(Dir);

    /// <summary>The latest epoch this log has records or leadership of (-1 when none).</summary>
    public int LatestEpoch { get { lock (_lock) return Epochs.LatestEpoch; } }
    public IReadOnlyList<(int Epoch, long StartOffset)> EpochEntries { get { lock (_lock) return Epochs.Entries.ToList(); } }

    /// <summary>The high watermark from replication-offset-checkpoint, read at start-up.</summary>
    public void InitHighWatermark(long checkpointed) =>
        Volatile.Write(ref _highWatermark, Math.Clamp(checkpointed, LogStartOffset, LogEndOffset));

    /// <summary>This node now leads the partition at <paramref name="epoch"/>: new batches carry it, and the epoch starts at the log end.</summary>
    public void BecomeLeader(int epoch)
    {
        lock (_lock)
        {
            IsReplicated = true;
            _isLeader = true;
            _leaderEpoch = epoch;
            Epochs.Assign(epoch, LogEndOffset);
        }
    }

    public void BecomeFollower(int epoch)
    {
        lock (_lock)
        {
            IsReplicated = true;
            _isLeader = false;
            _leaderEpoch = epoch;
        }
    }

    /// <summary>Moves the high watermark (never past the log end) and wakes waiting fetches and acks=all producers.</summary>
    public void UpdateHighWatermark(long highWatermark)
    {
        long value = Math.Clamp(highWatermark, LogStartOffset, LogEndOffset);
        if (Interlocked.Exchange(ref _highWatermark, value) == value) return;
        Interlocked.Exchange(ref _appendSignal, NewSignal()).TrySetResult();
    }

    /// <summary>
    /// A follower appends what it fetched from the leader as-is: the leader's offsets and
    /// epochs. The first batch must start at this log's end (anything else means the fetch
    /// raced a truncation: the caller fetches again).
    /// </summary>
    public bool AppendAsFollower(ReadOnlySpan<byte> records, long nowMs)
    {
        lock (_lock)
        {
            if (_closed || records.Length == 0) return false;
            if (!RecordBatchHeader.TryRead(records, out var first) || first.BaseOffset != LogEndOffset) return false;
            for (int pos = 0; pos < records.Length;)
            {
                if (!RecordBatchHeader.TryRead(records[pos..], out var h) || pos + h.SizeInBytes > records.Length) { records = records[..pos]; break; }
                Epochs.Assign(h.PartitionLeaderEpoch, h.BaseOffset);
                pos += h.SizeInBytes;
            }
            if (records.Length == 0) return false;
            AppendLocked(records, nowMs);
            return true;
        }
    }

    /// <summary>OffsetForLeaderEpoch: where <paramref name="epoch"/> (or the largest epoch below it) ended in this log.</summary>
    public (int Epoch, long EndOffset) EndOffsetForEpoch(int epoch)
    {
        lock (_lock) return Epochs.EndOffsetFor(epoch, LogEndOffset);
    }

    /// <summary>
    /// Removes every batch from <paramref name="offset"/> on (Kafka's truncateTo), at a batch
    /// boundary: a follower drops what the new leader does not have.
    /// </summary>
    public void TruncateTo(long offset)
    {
        List<LogSegment> removed = [];
        lock (_lock)
        {
            if (_closed || offset >= LogEndOffset) return;
            offset = Math.Max(offset, LogStartOffset);
            while (_segments.Count > 1 && _segments.Keys[^1] >= offset)
            {
                removed.Add(_segments.Values[^1]);
                _segments.RemoveAt(_segments.Count - 1);
            }
            // Renamed under the lock: a roll may create a segment of the same base offset next.
            foreach (var segment in removed) segment.AddSuffix(LogFileNames.DeletedSuffix);
            var last = _segments.Values[^1];
            long position = last.FindBatch(offset, last.Size)?.Position ?? last.Size;
            last.TruncateTo(position);
            PublishSegments();
            PublishEnd(last.ReadNextOffset());
            RecoveryPoint = Math.Min(RecoveryPoint, LogEndOffset);
            Epochs.TruncateFromEnd(LogEndOffset);
            foreach (var segment in _segments.Values) segment.TxnIndex.TruncateTo(LogEndOffset);
            RebuildTransactionState(allSegments: true);
            if (Volatile.Read(ref _highWatermark) > LogEndOffset) Volatile.Write(ref _highWatermark, LogEndOffset);
        }
        foreach (var segment in removed) _deleter.Schedule(Config.FileDeleteDelayMs, segment.DeleteFiles);
        _logger.LogInformation("Truncated {Topic}-{Partition} to offset {Offset}", Topic, Partition, LogEndOffset);
        Interlocked.Exchange(ref _appendSignal, NewSignal()).TrySetResult();
    }

    /// <summary>
    /// Drops the whole log and starts empty at <paramref name="offset"/>: a follower whose log
    /// ends below the leader's log start (the leader deleted what it would need).
    /// </summary>
    public void TruncateFullyAndStartAt(long offset)
    {
        List<LogSegment> removed;
        lock (_lock)
        {
            if (_closed) return;
            removed = _segments.Values.ToList();
            _segments.Clear();
            foreach (var segment in removed) segment.AddSuffix(LogFileNames.DeletedSuffix);
            _segments.Add(offset, LogSegment.Open(Dir, offset, Config, create: true, _files, _time.GetUtcNow().ToUnixTimeMilliseconds()));
            PublishSegments();
            PublishEnd(offset);
            Volatile.Write(ref _logStartOffset, offset);
            RecoveryPoint = offset;
            Volatile.Write(ref _highWatermark, offset);
            Epochs.TruncateFromEnd(0);
            RebuildTransactionState(allSegments: true);
        }
        foreach (var segment in removed) _deleter.Schedule(Config.FileDeleteDelayMs, segment.DeleteFiles);
        Interlocked.Exchange(ref _appendSignal, NewSignal()).TrySetResult();
    }
}
