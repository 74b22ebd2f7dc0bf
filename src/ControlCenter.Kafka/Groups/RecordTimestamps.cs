using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Kafka.Groups;

/// <summary>
/// Timestamps of the first record at or after given offsets: what "lag in time" is measured
/// from (the age of the oldest record a group has not consumed). A record's timestamp never
/// changes, so answers are cached and only new (partition, offset) pairs are fetched, all of
/// them in one assignment of one long-lived consumer. A partition whose remaining offsets are
/// only gaps or transaction markers reports <see cref="CaughtUp"/>.
/// </summary>
public sealed class RecordTimestamps(ClusterConnection connection, ILogger<RecordTimestamps> logger) : IDisposable
{
    public static readonly DateTimeOffset CaughtUp = DateTimeOffset.MaxValue;
    private const int MaxCached = 200_000;
    private readonly Dictionary<(string, int, long), DateTimeOffset> _cache = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConsumer<Ignore, Ignore>? _consumer;

    /// <summary>For each (topic, partition, offset): the timestamp of the next record, or <see cref="CaughtUp"/>.</summary>
    public async Task<Dictionary<(string Topic, int Partition, long Offset), DateTimeOffset>> ReadAsync(
        IReadOnlyCollection<(string Topic, int Partition, long Offset)> positions, TimeSpan budget)
    {
        var result = new Dictionary<(string, int, long), DateTimeOffset>();
        await _gate.WaitAsync();
        try
        {
            var missing = positions.Where(p => !_cache.ContainsKey(p)).Distinct().ToList();
            if (missing.Count > 0) await Task.Run(() => Fetch(missing, budget));
            foreach (var p in positions)
                if (_cache.TryGetValue(p, out var ts)) result[p] = ts;
            if (_cache.Count > MaxCached) _cache.Clear(); // offsets move on; old answers are not needed again
            return result;
        }
        finally { _gate.Release(); }
    }

    private void Fetch(List<(string Topic, int Partition, long Offset)> positions, TimeSpan budget)
    {
        _consumer ??= connection.CreateConsumer<Ignore, Ignore>("lag probe", "control-center-lag-probe", c =>
        {
            c.EnablePartitionEof = true;
            c.AutoOffsetReset = AutoOffsetReset.Earliest; // a committed offset below the log start: the oldest record left is the one waiting
            c.ConsumeResultFields = "topic,timestamp";
            c.FetchMaxBytes = 1024 * 1024;
            c.MaxPartitionFetchBytes = 64 * 1024;
            c.QueuedMaxMessagesKbytes = 4096;
        }, b => b.SetErrorHandler((_, _) => { }));

        var pending = positions.GroupBy(p => (p.Topic, p.Partition)).ToDictionary(g => g.Key, g => g.Min(p => p.Offset));
        foreach (var chunk in pending.Chunk(2000))
        {
            var waiting = chunk.ToDictionary(kv => kv.Key, kv => kv.Value);
            _consumer.Assign(waiting.Select(kv => new TopicPartitionOffset(kv.Key.Topic, kv.Key.Partition, kv.Value)));
            // librdkafka keeps a partition paused across unassign/assign: one paused in an earlier round must be resumed.
            _consumer.Resume(waiting.Keys.Select(k => new TopicPartition(k.Topic, k.Partition)));
            var elapsed = System.Diagnostics.Stopwatch.StartNew(); // an I/O budget: real time, whatever the app's clock
            while (waiting.Count > 0 && elapsed.Elapsed < budget)
            {
                ConsumeResult<Ignore, Ignore>? r;
                try { r = _consumer.Consume(TimeSpan.FromMilliseconds(100)); }
                catch (ConsumeException e) { logger.LogDebug("lag probe: {Error}", e.Error.Reason); continue; }
                if (r is null) continue;
                var key = (r.Topic, r.Partition.Value);
                if (!waiting.Remove(key, out long offset)) continue;
                _cache[(key.Topic, key.Value, offset)] = r.IsPartitionEOF ? CaughtUp : r.Message.Timestamp.UtcDateTime;
                _consumer.Pause([r.TopicPartition]);
            }
            _consumer.Unassign();
        }
    }

    public void Dispose()
    {
        _consumer?.Close();
        _consumer?.Dispose();
        _gate.Dispose();
    }
}
