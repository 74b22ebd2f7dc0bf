using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Cluster;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Kafka.Messages;

public sealed record SearchRequest(
    string Topic,
    MessageFilter Filter,
    IReadOnlyList<int>? Partitions = null,
    int MaxMatches = 500,
    TimeSpan? TimeBudget = null,
    IReadOnlyDictionary<int, long>? ResumeFrom = null,
    int PreviewLimit = KafkaMessage.PreviewLimit);

public sealed record PartitionProgress(int Partition, long Start, long End, long Position)
{
    public long Total => Math.Max(0, End - Start);
    public long Done => Math.Clamp(Position - Start, 0, Total);
}

public sealed record SearchProgress(long Scanned, double RecordsPerSecond, int Matches, IReadOnlyList<PartitionProgress> Partitions, TimeSpan Elapsed)
{
    public double Fraction => Partitions.Sum(p => p.Total) is var total and > 0 ? (double)Partitions.Sum(p => p.Done) / total : 1;
}

public enum SearchStop { EndOfRange, MaxMatches, TimeBudget, Cancelled }

public sealed record SearchResult(IReadOnlyList<KafkaMessage> Matches, SearchProgress Final, SearchStop Stop)
{
    /// <summary>Where each partition stopped: pass as <see cref="SearchRequest.ResumeFrom"/> to continue.</summary>
    public IReadOnlyDictionary<int, long> Positions => Final.Partitions.ToDictionary(p => p.Partition, p => p.Position);
    public bool CanContinue => Stop != SearchStop.EndOfRange && Final.Partitions.Any(p => p.Position < p.End);
}

/// <summary>
/// Server-side search. Each partition's range is fixed from its watermarks when the search
/// starts (or from offsets-for-times when a start time is given); 2–4 consumers scan the
/// partitions in parallel, matching on the raw bytes. Memory is bounded by the match limit and
/// the preview size, whatever the topic size. Matches can also be streamed (export).
/// </summary>
public sealed class MessageSearch(ClusterConnection connection, ClusterAdmin admin, ILogger<MessageSearch> logger)
{
    /// <summary>
    /// Runs the search. With <paramref name="onMatch"/>, matches are handed over as they are found (on
    /// the scanning threads) and not kept; without it they come back in the result.
    /// </summary>
    public Task<SearchResult> RunAsync(SearchRequest request, IProgress<SearchProgress>? progress, CancellationToken cancellation,
        Action<KafkaMessage>? onMatch = null) =>
        ClusterCall.RunAsync(() => RunCoreAsync(request, progress, cancellation, onMatch));

    private async Task<SearchResult> RunCoreAsync(SearchRequest request, IProgress<SearchProgress>? progress, CancellationToken cancellation,
        Action<KafkaMessage>? onMatch)
    {
        if (request.Filter.Validate() is { } error) throw new ArgumentException(error);
        var ranges = await RangesAsync(request);
        // Indexed by partition id, written with Volatile by the scanning thread that owns the partition.
        var positions = new long[ranges.Keys.DefaultIfEmpty(-1).Max() + 1];
        foreach (var (p, range) in ranges) positions[p] = range.Start;
        var matches = new ConcurrentQueue<KafkaMessage>();
        long scanned = 0;
        int matchCount = 0;
        var watch = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (request.TimeBudget is { } budget) stop.CancelAfter(budget);

        SearchProgress Snapshot() => new(Interlocked.Read(ref scanned), Interlocked.Read(ref scanned) / Math.Max(watch.Elapsed.TotalSeconds, 1e-3),
            Math.Min(Volatile.Read(ref matchCount), request.MaxMatches),
            ranges.OrderBy(r => r.Key).Select(r => new PartitionProgress(r.Key, r.Value.Start, r.Value.End, Volatile.Read(ref positions[r.Key]))).ToList(),
            watch.Elapsed);

        var pending = ranges.Where(r => r.Value.Start < r.Value.End).Select(r => r.Key).ToList();
        int workers = Math.Clamp(pending.Count, 1, Math.Clamp(Environment.ProcessorCount, 2, 4));
        using var reporter = progress is null ? null : new Timer(_ => progress.Report(Snapshot()), null, 200, 250);
        var threads = Enumerable.Range(0, workers).Select(w =>
        {
            var mine = pending.Where((_, i) => i % workers == w).ToList();
            var thread = new Thread(() => Scan(request, mine, ranges, positions, matches, ref scanned, ref matchCount, onMatch, stop))
            { IsBackground = true, Name = $"search-{request.Topic}-{w}" };
            thread.Start();
            return thread;
        }).ToList();
        await Task.Run(() => threads.ForEach(t => t.Join()), CancellationToken.None);

        var final = Snapshot();
        progress?.Report(final);
        var reason = matchCount >= request.MaxMatches ? SearchStop.MaxMatches
            : cancellation.IsCancellationRequested ? SearchStop.Cancelled
            : stop.IsCancellationRequested ? SearchStop.TimeBudget
            : SearchStop.EndOfRange;
        logger.LogDebug("Search of {Topic}: {Scanned} records in {Elapsed}, {Matches} matches ({Stop})", request.Topic, final.Scanned, final.Elapsed, matchCount, reason);
        var ordered = matches.OrderBy(m => m.Partition).ThenBy(m => m.Offset).Take(request.MaxMatches).ToList();
        return new SearchResult(ordered, final, reason);
    }

    /// <summary>[start, end) per partition: end = high watermark now; start = resume point, the From time, or the log start.</summary>
    private async Task<Dictionary<int, (long Start, long End)>> RangesAsync(SearchRequest request)
    {
        var metadata = await admin.GetMetadataAsync();
        var topic = metadata.Topics.FirstOrDefault(t => t.Topic == request.Topic && t.Error.Code == ErrorCode.NoError)
                    ?? throw new ArgumentException($"Topic {request.Topic} does not exist");
        var partitions = topic.Partitions.Select(p => p.PartitionId)
            .Where(p => request.Partitions is null || request.Partitions.Count == 0 || request.Partitions.Contains(p))
            .Select(p => new TopicPartition(request.Topic, p)).ToList();
        var low = await admin.ListOffsetsAsync(partitions, OffsetSpec.Earliest());
        var high = await admin.ListOffsetsAsync(partitions, OffsetSpec.Latest());
        var fromTime = request.Filter.From is { } from
            ? await admin.ListOffsetsAsync(partitions, OffsetSpec.ForTimestamp(from.ToUnixTimeMilliseconds()))
            : null;
        var ranges = new Dictionary<int, (long, long)>();
        foreach (var tp in partitions)
        {
            long lo = low.GetValueOrDefault(tp, 0), hi = high.GetValueOrDefault(tp, 0);
            long start = lo;
            if (fromTime is not null) start = fromTime.TryGetValue(tp, out long t) && t >= 0 ? t : hi;
            if (request.ResumeFrom?.TryGetValue(tp.Partition.Value, out long resume) == true) start = resume;
            ranges[tp.Partition.Value] = (Math.Clamp(start, lo, hi), hi);
        }
        return ranges;
    }

    private void Scan(SearchRequest request, List<int> partitions, Dictionary<int, (long Start, long End)> ranges, long[] positions,
        ConcurrentQueue<KafkaMessage> matches, ref long scanned, ref int matchCount, Action<KafkaMessage>? onMatch, CancellationTokenSource stop)
    {
        if (partitions.Count == 0) return;
        var filter = request.Filter;
        var scratch = new MatchScratch(request.PreviewLimit);
        var keyConditions = filter.Conditions.Where(c => c.Target == FilterTarget.Key).Select(c => new ByteMatcher(c)).ToList();
        var valueConditions = filter.Conditions.Where(c => c.Target == FilterTarget.Value).Select(c => new ByteMatcher(c)).ToList();
        var headerConditions = filter.Conditions.Where(c => c.Target == FilterTarget.Header).Select(c => (c.HeaderName!, new ByteMatcher(c))).ToList();
        long fromMs = filter.From?.ToUnixTimeMilliseconds() ?? long.MinValue, toMs = filter.To?.ToUnixTimeMilliseconds() ?? long.MaxValue;

        using var consumer = connection.CreateConsumer<Verdict, Verdict>("search", "control-center-search", c =>
            {
                c.EnablePartitionEof = true;
                c.QueuedMinMessages = 500_000;
                c.FetchMaxBytes = 50 * 1024 * 1024;
                c.MaxPartitionFetchBytes = 4 * 1024 * 1024;
                // Only what the filter and the result rows need is marshalled per record (the topic name is not:
                // it is the request's). Headers are needed for matches and cost nothing on records without any.
                c.ConsumeResultFields = "timestamp,headers";
            }, b => b.SetKeyDeserializer(new KeyMatcher(scratch, keyConditions)).SetValueDeserializer(new ValueMatcher(scratch, valueConditions)));
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(request.Topic, p, ranges[p].Start)));
        var open = new HashSet<int>(partitions);
        long local = 0;
        try
        {
            while (open.Count > 0 && !stop.IsCancellationRequested)
            {
                ConsumeResult<Verdict, Verdict>? r;
                try { r = consumer.Consume(TimeSpan.FromMilliseconds(200)); }
                catch (ConsumeException e) { logger.LogDebug("search: {Error}", e.Error.Reason); continue; }
                if (r is null) continue;
                int p = r.Partition.Value;
                long end = ranges[p].End;
                if (r.IsPartitionEOF || r.Offset.Value >= end)
                {
                    Volatile.Write(ref positions[p], end);
                    if (open.Remove(p)) consumer.Pause([new TopicPartition(request.Topic, p)]); // r.Topic is not marshalled (ConsumeResultFields)
                    continue;
                }
                if (++local % 1024 == 0) Interlocked.Add(ref scanned, 1024);
                if (!IsMatch(r, fromMs, toMs, headerConditions))
                {
                    Volatile.Write(ref positions[p], r.Offset.Value + 1);
                    continue;
                }
                // A match past the limit (another worker got there first) stays unscanned, so a resumed search finds it.
                if (Interlocked.Increment(ref matchCount) > request.MaxMatches) { local--; stop.Cancel(); break; }
                Volatile.Write(ref positions[p], r.Offset.Value + 1);
                var message = new KafkaMessage(request.Topic, p, r.Offset.Value, r.Message.Timestamp.UtcDateTime, r.Message.Timestamp.Type.ToString(),
                    scratch.Key.ToArray(), scratch.Key.FullSize, scratch.Value.ToArray(), scratch.Value.FullSize,
                    r.Message.Headers?.Select(h => new MessageHeader(h.Key, h.GetValueBytes())).ToList());
                if (onMatch is null) matches.Enqueue(message);
                else onMatch(message); // streamed (export): the caller keeps what it needs, memory stays flat
                if (Volatile.Read(ref matchCount) >= request.MaxMatches) stop.Cancel();
            }
        }
        finally
        {
            Interlocked.Add(ref scanned, local % 1024);
            consumer.Close();
        }
    }

    private static bool IsMatch(ConsumeResult<Verdict, Verdict> r, long fromMs, long toMs, List<(string Name, ByteMatcher Matcher)> headerConditions)
    {
        if (!r.Message.Value.Matched) return false;
        long ts = r.Message.Timestamp.UnixTimestampMs;
        if (ts < fromMs || ts >= toMs) return false;
        return headerConditions.Count == 0 || HeadersMatch(r.Message.Headers, headerConditions);
    }

    private static bool HeadersMatch(Headers? headers, List<(string Name, ByteMatcher Matcher)> conditions) =>
        headers is not null && conditions.All(c => headers.Any(h => h.Key == c.Name && h.GetValueBytes() is { } v && c.Matcher.IsMatch(v)));
}
