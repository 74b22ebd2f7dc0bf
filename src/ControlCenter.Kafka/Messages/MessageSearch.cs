using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Segments;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Kafka.Messages;

public sealed record SearchRequest(
    string Topic,
    MessageFilter Filter,
    IReadOnlyList<int>? Partitions = null,
    int MaxMatches = 500,
    TimeSpan? TimeBudget = null,
    IReadOnlyDictionary<int, long>? ResumeFrom = null,
    int PreviewLimit = KafkaMessage.PreviewLimit,
    ControlCenter.Kafka.Masking.RecordMask? Mask = null);

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
    /// <summary>Records read straight from segment files (the rest came through a consumer).</summary>
    public long ScannedFromFiles { get; init; }

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
public sealed class MessageSearch(ClusterConnection connection, ClusterAdmin admin, ILogger<MessageSearch> logger, IRecordDecoder? decoder = null)
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
        var (ranges, leaders) = await RangesAsync(request);
        using var run = new SearchRun(request, ranges, onMatch, cancellation, decoder);
        using var reporter = progress is null ? null : new Timer(_ => progress.Report(run.Snapshot()), null, 200, 250);

        var pending = ranges.Where(r => r.Value.Start < r.Value.End).Select(r => r.Key).ToList();
        int workers = Math.Clamp(pending.Count, 1, Math.Clamp(Environment.ProcessorCount, 2, 4));
        var logDirs = connection.LogDirs;
        var threads = Enumerable.Range(0, workers).Select(w =>
        {
            var mine = pending.Where((_, i) => i % workers == w).ToList();
            var thread = new Thread(() => Scan(run, mine, logDirs, leaders)) { IsBackground = true, Name = $"search-{request.Topic}-{w}" };
            thread.Start();
            return thread;
        }).ToList();
        await Task.Run(() => threads.ForEach(t => t.Join()), CancellationToken.None);

        var final = run.Snapshot();
        progress?.Report(final);
        // Everything scanned is the end of the range, whatever else happened on the way: the last match can
        // fill the limit as the last partition ends, and "stopped at the limit" with nothing left would be untrue.
        var reason = final.Partitions.All(p => p.Position >= p.End) ? SearchStop.EndOfRange
            : run.MatchCount >= request.MaxMatches ? SearchStop.MaxMatches
            : cancellation.IsCancellationRequested ? SearchStop.Cancelled
            : run.Stop.IsCancellationRequested ? SearchStop.TimeBudget
            : SearchStop.EndOfRange;
        logger.LogDebug("Search of {Topic}: {Scanned} records in {Elapsed} ({FromFiles} from segment files), {Matches} matches ({Stop})",
            request.Topic, final.Scanned, final.Elapsed, run.ScannedFromFiles, run.MatchCount, reason);
        var ordered = run.Matches.OrderBy(m => m.Partition).ThenBy(m => m.Offset).Take(request.MaxMatches).ToList();
        return new SearchResult(ordered, final, reason) { ScannedFromFiles = run.ScannedFromFiles };
    }

    /// <summary>[start, end) per partition: end = high watermark now; start = resume point, the From time, or the log start.</summary>
    private async Task<(Dictionary<int, (long Start, long End)> Ranges, Dictionary<int, int> Leaders)> RangesAsync(SearchRequest request)
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
        return (ranges, topic.Partitions.ToDictionary(p => p.PartitionId, p => p.Leader));
    }

    /// <summary>
    /// One worker's partitions: read from the segment files where this machine has them (far
    /// cheaper than fetching; the leader's copy where several replicas are readable), then whatever
    /// is left through a consumer.
    /// </summary>
    private void Scan(SearchRun run, List<int> partitions, IReadOnlyList<string> logDirs, Dictionary<int, int> leaders)
    {
        var rest = new List<int>();
        foreach (int p in partitions)
        {
            if (run.Stop.IsCancellationRequested) return;
            string? dir = logDirs.Count == 0 ? null : PartitionLogReader.FindPartitionDir(logDirs, run.Request.Topic, p, leaders.GetValueOrDefault(p, -1));
            if (dir is null || !run.ScanFiles(p, dir)) rest.Add(p);
        }
        if (rest.Count > 0 && !run.Stop.IsCancellationRequested) ScanWithConsumer(run, rest);
    }

    private void ScanWithConsumer(SearchRun run, List<int> partitions)
    {
        var request = run.Request;
        var scratch = new MatchScratch(request.PreviewLimit);
        using var consumer = connection.CreateConsumer<Verdict, Verdict>("search", "control-center-search", c =>
            {
                c.EnablePartitionEof = true;
                c.QueuedMinMessages = 500_000;
                c.FetchMaxBytes = 50 * 1024 * 1024;
                c.MaxPartitionFetchBytes = 4 * 1024 * 1024;
                // Only what the filter and the result rows need is marshalled per record (the topic name is not:
                // it is the request's). Headers are needed for matches and cost nothing on records without any.
                c.ConsumeResultFields = "timestamp,headers";
            }, b => b.SetKeyDeserializer(new KeyMatcher(scratch, run.KeyConditions)).SetValueDeserializer(new ValueMatcher(scratch, run.ValueConditions)));
        // From where the files left off, when they did.
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(request.Topic, p, run.Position(p))));
        var open = new HashSet<int>(partitions);
        var counter = run.Counter();
        try
        {
            while (open.Count > 0 && !run.Stop.IsCancellationRequested)
            {
                ConsumeResult<Verdict, Verdict>? r;
                try { r = consumer.Consume(TimeSpan.FromMilliseconds(200)); }
                catch (ConsumeException e) { logger.LogDebug("search: {Error}", e.Error.Reason); continue; }
                if (r is null) continue;
                int p = r.Partition.Value;
                long end = run.Ranges[p].End;
                if (r.IsPartitionEOF || r.Offset.Value >= end)
                {
                    run.Reached(p, end);
                    if (open.Remove(p)) consumer.Pause([new TopicPartition(request.Topic, p)]); // r.Topic is not marshalled (ConsumeResultFields)
                    continue;
                }
                counter.Add();
                if (!r.Message.Value.Matched || !run.InTimeRange(r.Message.Timestamp.UnixTimestampMs)
                    || (run.HasHeaderConditions && !run.HeadersMatch(r.Message.Headers?.Select(h => new MessageHeader(h.Key, h.GetValueBytes())))))
                {
                    run.Reached(p, r.Offset.Value + 1);
                    continue;
                }
                var message = new KafkaMessage(request.Topic, p, r.Offset.Value, r.Message.Timestamp.UtcDateTime, r.Message.Timestamp.Type.ToString(),
                    scratch.Key.ToArray(), scratch.Key.FullSize, scratch.Value.ToArray(), scratch.Value.FullSize,
                    r.Message.Headers?.Select(h => new MessageHeader(h.Key, h.GetValueBytes())).ToList());
                if (!run.Found(p, message)) { counter.Undo(); break; }
            }
        }
        finally
        {
            counter.Dispose();
            consumer.Close();
        }
    }
}
