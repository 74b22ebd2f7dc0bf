using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Cluster;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Kafka.Messages;

public enum BrowseStart { Oldest, Newest, Offset, Timestamp }

/// <summary>
/// A page of records and the per-partition positions around it, to page forward (<see cref="Next"/>)
/// or back (<see cref="Start"/>), read with one isolation level; a read_uncommitted page says which
/// of its records read_committed consumers would not see (<see cref="Marks"/>).
/// </summary>
public sealed record BrowsePage(
    IReadOnlyList<KafkaMessage> Records,
    IReadOnlyDictionary<int, long> Start,
    IReadOnlyDictionary<int, long> Next,
    IReadOnlyDictionary<int, (long Low, long High)> Ranges,
    bool ReadCommitted = false,
    TransactionMarks? Marks = null)
{
    public bool HasNewer => Next.Any(n => Ranges.TryGetValue(n.Key, out var r) && n.Value < r.High);
    public bool HasOlder => Start.Any(s => Ranges.TryGetValue(s.Key, out var r) && s.Value > r.Low);
}

/// <summary>A running live tail: where it started in each partition; disposing it stops the consumer.</summary>
public sealed class LiveTail(IReadOnlyDictionary<int, long> from, Task loop, CancellationTokenSource stop) : IAsyncDisposable
{
    public IReadOnlyDictionary<int, long> From { get; } = from;
    public Task Completion => loop;

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        await loop;
        stop.Dispose();
    }
}

/// <summary>
/// Reads pages of records for the Messages tab. A page is defined by a start position per
/// partition; records of several partitions are merged by timestamp. Reading stops at each
/// partition's high watermark as it was when the page was asked for.
/// </summary>
public sealed class MessageBrowser(ClusterConnection connection, ClusterAdmin admin, ILogger<MessageBrowser> logger, IRecordDecoder? decoder = null)
{
    private static readonly TimeSpan ReadBudget = TimeSpan.FromSeconds(10);

    public async Task<Dictionary<int, (long Low, long High)>> RangesAsync(string topic, IReadOnlyList<int> partitions)
    {
        var tps = partitions.Select(p => new TopicPartition(topic, p)).ToList();
        var low = await admin.ListOffsetsAsync(tps, OffsetSpec.Earliest());
        var high = await admin.ListOffsetsAsync(tps, OffsetSpec.Latest());
        return partitions.ToDictionary(p => p, p => (low.GetValueOrDefault(new TopicPartition(topic, p)), high.GetValueOrDefault(new TopicPartition(topic, p))));
    }

    /// <summary>Start positions: oldest, the last <paramref name="count"/> of each partition, an offset, or the first record at a time.</summary>
    public Task<BrowsePage> FirstPageAsync(string topic, IReadOnlyList<int> partitions, BrowseStart start, int count, long? offset = null, DateTimeOffset? timestamp = null,
        bool readCommitted = false) =>
        ClusterCall.RunAsync(() => FirstPageCoreAsync(topic, partitions, start, count, offset, timestamp, readCommitted));

    private async Task<BrowsePage> FirstPageCoreAsync(string topic, IReadOnlyList<int> partitions, BrowseStart start, int count, long? offset, DateTimeOffset? timestamp, bool readCommitted)
    {
        var ranges = await RangesAsync(topic, partitions);
        Dictionary<int, long> positions;
        switch (start)
        {
            case BrowseStart.Newest:
                positions = ranges.ToDictionary(r => r.Key, r => Math.Max(r.Value.Low, r.Value.High - count));
                return await ReadAsync(topic, positions, ranges, count * partitions.Count, perPartition: count, readCommitted);
            case BrowseStart.Offset:
                positions = ranges.ToDictionary(r => r.Key, r => Math.Clamp(offset ?? 0, r.Value.Low, r.Value.High));
                break;
            case BrowseStart.Timestamp:
                var tps = partitions.Select(p => new TopicPartition(topic, p)).ToList();
                var byTime = await admin.ListOffsetsAsync(tps, OffsetSpec.ForTimestamp((timestamp ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds()));
                positions = ranges.ToDictionary(r => r.Key, r => byTime.TryGetValue(new TopicPartition(topic, r.Key), out long o) && o >= 0 ? o : r.Value.High);
                break;
            default:
                positions = ranges.ToDictionary(r => r.Key, r => r.Value.Low);
                break;
        }
        return await ReadAsync(topic, positions, ranges, count, perPartition: count, readCommitted);
    }

    /// <summary>The page after <paramref name="page"/> (newer records), against fresh watermarks.</summary>
    public Task<BrowsePage> NewerAsync(string topic, BrowsePage page, int count) => ClusterCall.RunAsync(async () =>
    {
        var ranges = await RangesAsync(topic, page.Next.Keys.ToList());
        return await ReadAsync(topic, page.Next.ToDictionary(), ranges, count, perPartition: count, page.ReadCommitted);
    });

    /// <summary>The page before <paramref name="page"/> (older records): read backwards from its start positions.</summary>
    public Task<BrowsePage> OlderAsync(string topic, BrowsePage page, int count) => ClusterCall.RunAsync(() => OlderCoreAsync(topic, page, count));

    private async Task<BrowsePage> OlderCoreAsync(string topic, BrowsePage page, int count)
    {
        var ranges = await RangesAsync(topic, page.Start.Keys.ToList());
        var from = page.Start.ToDictionary(s => s.Key, s => Math.Max(ranges[s.Key].Low, s.Value - count));
        var until = page.Start.ToDictionary(s => s.Key, s => Math.Min(s.Value, ranges[s.Key].High));
        var window = ranges.ToDictionary(r => r.Key, r => (r.Value.Low, until[r.Key]));
        var all = await ReadAsync(topic, from, window, int.MaxValue, perPartition: count, page.ReadCommitted, withMarks: false);
        // Keep the newest `count` of what lies before the current page.
        var kept = all.Records.TakeLast(count).ToList();
        var start = until.ToDictionary(u => u.Key, u => kept.Where(r => r.Partition == u.Key).Select(r => (long?)r.Offset).Min() ?? u.Value);
        return new BrowsePage(kept, start, page.Start, ranges, page.ReadCommitted, await MarksAsync(topic, kept, page.ReadCommitted));
    }

    private async Task<BrowsePage> ReadAsync(string topic, Dictionary<int, long> start, IReadOnlyDictionary<int, (long Low, long High)> ranges, int count, int perPartition,
        bool readCommitted, bool withMarks = true)
    {
        var records = await Task.Run(() => Read(topic, start, ranges, perPartition, readCommitted));
        var ordered = records.OrderBy(r => r.Timestamp ?? DateTimeOffset.MinValue).ThenBy(r => r.Partition).ThenBy(r => r.Offset).Take(count).ToList();
        var next = start.ToDictionary(s => s.Key, s => ordered.Where(r => r.Partition == s.Key).Select(r => (long?)r.Offset + 1).Max() ?? s.Value);
        return new BrowsePage(ordered, start, next, ranges, readCommitted, withMarks ? await MarksAsync(topic, ordered, readCommitted) : null);
    }

    /// <summary>For a read_uncommitted page: which records read_committed consumers would not see, and the markers between them.</summary>
    private async Task<TransactionMarks?> MarksAsync(string topic, IReadOnlyList<KafkaMessage> page, bool readCommitted) => readCommitted
        ? null
        : await TransactionMarks.ComputeAsync(topic, page, admin, () => BuildConsumer(c => c.EnablePartitionEof = true, readCommitted: true), ReadBudget);

    private List<KafkaMessage> Read(string topic, Dictionary<int, long> start, IReadOnlyDictionary<int, (long Low, long High)> ranges, int perPartition, bool readCommitted)
    {
        var wanted = start.Where(s => s.Value < ranges[s.Key].High).ToDictionary(s => s.Key, s => s.Value);
        var result = new List<KafkaMessage>();
        if (wanted.Count == 0) return result;
        using var consumer = BuildConsumer(c => c.EnablePartitionEof = true, readCommitted);
        consumer.Assign(wanted.Select(w => new TopicPartitionOffset(topic, w.Key, w.Value)));
        var counts = wanted.Keys.ToDictionary(p => p, _ => 0);
        var open = new HashSet<int>(wanted.Keys);
        var elapsed = System.Diagnostics.Stopwatch.StartNew(); // an I/O budget: real time
        while (open.Count > 0 && elapsed.Elapsed < ReadBudget)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null) continue;
            int p = r.Partition.Value;
            if (!open.Contains(p)) continue;
            if (r.IsPartitionEOF || r.Offset.Value >= ranges[p].High) { Close(consumer, open, r.TopicPartition); continue; }
            result.Add(ToMessage(r));
            if (++counts[p] >= perPartition || r.Offset.Value + 1 >= ranges[p].High) Close(consumer, open, r.TopicPartition);
        }
        return result;
    }

    private static void Close(IConsumer<byte[]?, byte[]?> consumer, HashSet<int> open, TopicPartition tp)
    {
        open.Remove(tp.Partition.Value);
        consumer.Pause([tp]);
    }

    /// <summary>One record by partition and offset (full value when <paramref name="previewLimit"/> is int.MaxValue); null when gone.</summary>
    public Task<KafkaMessage?> ReadOneAsync(string topic, int partition, long offset, int previewLimit = KafkaMessage.PreviewLimit) =>
        ClusterCall.RunAsync(() => Task.Run(() =>
        {
            using var consumer = BuildConsumer(c => c.EnablePartitionEof = true);
            consumer.Assign(new TopicPartitionOffset(topic, partition, offset));
            var elapsed = System.Diagnostics.Stopwatch.StartNew();
            while (elapsed.Elapsed < ReadBudget)
            {
                var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (r is null) continue;
                if (r.IsPartitionEOF || r.Offset.Value > offset) return null; // compacted away or deleted
                if (r.Offset.Value == offset) return ToMessage(r, previewLimit);
            }
            return null;
        }));

    /// <summary>
    /// Starts the live tail: each partition's end is read first and the tail follows from there,
    /// so every record produced after this returns is delivered to <paramref name="onRecord"/>
    /// (on the tail's own thread) until the tail is disposed or <paramref name="cancellation"/> fires.
    /// </summary>
    public async Task<LiveTail> TailAsync(string topic, IReadOnlyList<int> partitions, Action<KafkaMessage> onRecord, CancellationToken cancellation = default, bool readCommitted = false)
    {
        var from = (await ClusterCall.RunAsync(() => RangesAsync(topic, partitions))).ToDictionary(r => r.Key, r => r.Value.High);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var loop = Task.Run(() =>
        {
            using var consumer = BuildConsumer(c => c.FetchWaitMaxMs = 100, readCommitted);
            consumer.Assign(from.Select(p => new TopicPartitionOffset(topic, p.Key, p.Value)));
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var r = consumer.Consume(TimeSpan.FromMilliseconds(250));
                    if (r is not null && !r.IsPartitionEOF) onRecord(ToMessage(r));
                }
                catch (ConsumeException e) { logger.LogDebug("tail: {Error}", e.Error.Reason); }
            }
            consumer.Close();
        }, CancellationToken.None);
        return new LiveTail(from, loop, stop);
    }

    /// <summary>
    /// A reader with the isolation asked for (librdkafka's default is read_committed; the browser's
    /// is read_uncommitted, so records of open and aborted transactions are shown, and marked).
    /// </summary>
    private IConsumer<byte[]?, byte[]?> BuildConsumer(Action<ConsumerConfig> configure, bool readCommitted = false) =>
        connection.CreateConsumer<byte[]?, byte[]?>("browser", "control-center-browser", c =>
        {
            c.IsolationLevel = readCommitted ? IsolationLevel.ReadCommitted : IsolationLevel.ReadUncommitted;
            configure(c);
        });

    private KafkaMessage ToMessage(ConsumeResult<byte[]?, byte[]?> r, int previewLimit = KafkaMessage.PreviewLimit) => new KafkaMessage(
        r.Topic, r.Partition.Value, r.Offset.Value,
        r.Message.Timestamp.Type == TimestampType.NotAvailable ? null : r.Message.Timestamp.UtcDateTime,
        r.Message.Timestamp.Type.ToString(),
        KafkaMessage.Preview(r.Message.Key, r.Message.Key is null, previewLimit), r.Message.Key?.Length ?? 0,
        KafkaMessage.Preview(r.Message.Value, r.Message.Value is null, previewLimit), r.Message.Value?.Length ?? 0,
        r.Message.Headers?.Select(h => new MessageHeader(h.Key, h.GetValueBytes())).ToList() ?? []).DecodedBy(decoder);
}
