using System.Collections.Concurrent;
using System.Diagnostics;

namespace ControlCenter.Kafka.Messages;

/// <summary>
/// The state one search shares between its workers: where each partition is, how many records
/// were scanned, the matches and their limit, and when to stop. Positions are written only by
/// the worker that owns the partition; counts are interlocked.
/// </summary>
internal sealed class SearchRun : IDisposable
{
    private readonly long[] _positions; // indexed by partition id
    private readonly Action<KafkaMessage>? _onMatch;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly long _fromMs, _toMs;
    private readonly List<(string Name, ByteMatcher Matcher)> _headerConditions;
    private long _scanned, _scannedFromFiles;
    private int _matchCount;

    public SearchRun(SearchRequest request, Dictionary<int, (long Start, long End)> ranges, Action<KafkaMessage>? onMatch, CancellationToken cancellation,
        IRecordDecoder? decoder = null)
    {
        Request = request;
        Ranges = ranges;
        _onMatch = onMatch;
        _positions = new long[ranges.Keys.DefaultIfEmpty(-1).Max() + 1];
        foreach (var (p, range) in ranges) _positions[p] = range.Start;
        var filter = request.Filter;
        Decoder = decoder;
        KeyConditions = new(filter.Conditions.Where(c => c.Target == FilterTarget.Key).Select(c => new ByteMatcher(c)).ToList(), decoder, request.Topic, isKey: true, request.Mask);
        ValueConditions = new(filter.Conditions.Where(c => c.Target == FilterTarget.Value).Select(c => new ByteMatcher(c)).ToList(), decoder, request.Topic, isKey: false, request.Mask);
        _headerConditions = filter.Conditions.Where(c => c.Target == FilterTarget.Header).Select(c => (c.HeaderName!, new ByteMatcher(c))).ToList();
        (_fromMs, _toMs) = (filter.From?.ToUnixTimeMilliseconds() ?? long.MinValue, filter.To?.ToUnixTimeMilliseconds() ?? long.MaxValue);
        Stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (request.TimeBudget is { } budget) Stop.CancelAfter(budget);
    }

    public SearchRequest Request { get; }
    public Dictionary<int, (long Start, long End)> Ranges { get; }
    public RecordConditions KeyConditions { get; }
    public IRecordDecoder? Decoder { get; }
    public RecordConditions ValueConditions { get; }
    public bool HasHeaderConditions => _headerConditions.Count > 0;
    /// <summary>Cancelled by the caller, the time budget, or the match limit.</summary>
    public CancellationTokenSource Stop { get; }
    public ConcurrentQueue<KafkaMessage> Matches { get; } = new();
    public int MatchCount => Math.Min(Volatile.Read(ref _matchCount), Request.MaxMatches);
    public long ScannedFromFiles => Interlocked.Read(ref _scannedFromFiles);

    public long Position(int partition) => Volatile.Read(ref _positions[partition]);
    public void Reached(int partition, long next) => Volatile.Write(ref _positions[partition], next);

    public bool InTimeRange(long timestampMs) => timestampMs >= _fromMs && timestampMs < _toMs;

    public bool HeadersMatch(IEnumerable<MessageHeader>? headers)
    {
        if (_headerConditions.Count == 0) return true;
        var list = headers?.ToList();
        if (list is not null && Request.Mask is { } mask) list = [.. mask.MaskHeaders(list)!]; // masked headers are matched as shown
        return list is not null && _headerConditions.All(c => list.Any(h => h.Key == c.Name && h.Value is { } v && c.Matcher.IsMatch(v)));
    }

    /// <summary>
    /// Takes a match. False when it is past the limit (another worker got there first): it stays
    /// unscanned, so a resumed search finds it. Reaching the limit stops every worker.
    /// </summary>
    public bool Found(int partition, KafkaMessage message)
    {
        if (Interlocked.Increment(ref _matchCount) > Request.MaxMatches) { Stop.Cancel(); return false; }
        Reached(partition, message.Offset + 1);
        message = message.DecodedBy(Decoder);
        if (Request.Mask is { } mask) message = mask.Apply(message);
        if (_onMatch is null) Matches.Enqueue(message);
        else _onMatch(message); // streamed (export): the caller keeps what it needs, memory stays flat
        if (Volatile.Read(ref _matchCount) >= Request.MaxMatches) Stop.Cancel();
        return true;
    }

    /// <summary>
    /// Scans a partition from its segment files; true when its whole range was covered (or the
    /// search stopped), false when a consumer must take over from <see cref="Position"/>.
    /// </summary>
    public bool ScanFiles(int partition, string dir)
    {
        var counter = Counter();
        var preview = Request.PreviewLimit;
        bool Visit(in FileRecord r)
        {
            if (Stop.IsCancellationRequested) return false;
            counter.Add();
            bool matched = (KeyConditions.Count == 0 || (!r.KeyIsNull && KeyConditions.Match(r.Key)))
                && (ValueConditions.Count == 0 || (!r.ValueIsNull && ValueConditions.Match(r.Value)))
                && InTimeRange(r.Timestamp);
            List<MessageHeader>? headers = matched && r.HeaderCount > 0 ? LogFileScan.ReadHeaders(r) : null;
            if (!matched || (HasHeaderConditions && !HeadersMatch(headers)))
            {
                Reached(partition, r.Offset + 1);
                return true;
            }
            var message = new KafkaMessage(Request.Topic, partition, r.Offset, DateTimeOffset.FromUnixTimeMilliseconds(r.Timestamp),
                r.TimestampType == LogFormat.Records.TimestampType.LogAppendTime ? "LogAppendTime" : "CreateTime",
                KafkaMessage.Preview(r.Key, r.KeyIsNull, preview), r.Key.Length, KafkaMessage.Preview(r.Value, r.ValueIsNull, preview), r.Value.Length,
                headers ?? []);
            if (Found(partition, message)) return true;
            counter.Undo();
            return false;
        }
        try
        {
            var (next, complete) = LogFileScan.Run(dir, Position(partition), Ranges[partition].End, Visit, Stop.Token);
            Reached(partition, next);
            return complete || Stop.IsCancellationRequested;
        }
        finally
        {
            Interlocked.Add(ref _scannedFromFiles, counter.Count);
            counter.Dispose();
        }
    }

    public SearchProgress Snapshot()
    {
        long scanned = Interlocked.Read(ref _scanned);
        return new SearchProgress(scanned, scanned / Math.Max(_watch.Elapsed.TotalSeconds, 1e-3), MatchCount,
            Ranges.OrderBy(r => r.Key).Select(r => new PartitionProgress(r.Key, r.Value.Start, r.Value.End, Position(r.Key))).ToList(),
            _watch.Elapsed);
    }

    /// <summary>A worker's count of scanned records, added to the shared total in blocks (one interlocked add per 1,024).</summary>
    public ScanCounter Counter() => new(this);

    internal sealed class ScanCounter(SearchRun run) : IDisposable
    {
        private long _local, _published;
        public long Count => _local;

        public void Add()
        {
            if (++_local - _published < 1024) return;
            Interlocked.Add(ref run._scanned, _local - _published);
            _published = _local;
        }

        /// <summary>Takes back the last record: it was a match past the limit, left for a resumed search.</summary>
        public void Undo() => _local--;

        public void Dispose() => Interlocked.Add(ref run._scanned, _local - _published);
    }

    public void Dispose() => Stop.Dispose();
}
