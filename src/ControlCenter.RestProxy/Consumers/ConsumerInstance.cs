using System.Diagnostics;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using ControlCenter.RestProxy.Http;

namespace ControlCenter.RestProxy.Consumers;

/// <summary>What a client asked for when it created the instance.</summary>
/// <param name="Owner">The user who created it (the REST proxy's HTTP Basic name; "anonymous" without sign-in): only they, and admins, may use it.</param>
public sealed record ConsumerInstanceConfig(string Group, string Name, EmbeddedFormat Format, string AutoOffsetReset, bool AutoCommit, int? FetchMinBytes, int? RequestTimeoutMs,
    string Owner = "anonymous");

public enum ConsumerMode { Idle, Subscribed, Assigned }

/// <summary>
/// One REST consumer: a Confluent.Kafka consumer in a group, used by one HTTP request at a time
/// (librdkafka consumers are not for concurrent polls). A record that did not fit in a response
/// (max_bytes) or could not be converted is kept for the next read, never skipped; with
/// auto-commit only records handed to the client are stored for commit.
/// </summary>
public sealed class ConsumerInstance : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<TopicPartition, long> _delivered = [];   // last offset handed out, per partition
    private readonly Dictionary<TopicPartition, Offset> _requested = []; // positions set by assign/seek and not yet read from
    private ConsumeResult<byte[]?, byte[]?>? _pending;
    private List<string> _topics = [];
    private Regex? _pattern;
    private readonly TimeProvider _time;
    private readonly ControlCenter.Kafka.Messages.IRecordDecoder? _decoder;
    private long _lastUsedTicks;
    private volatile bool _closed;

    /// <param name="create">Builds the client, given what this instance adds to the builder (its rebalance handlers).</param>
    /// <param name="decoder">Decodes records for the avro, jsonschema and protobuf formats (null without a schema registry).</param>
    public ConsumerInstance(ConsumerInstanceConfig config, Func<Action<ConsumerBuilder<byte[]?, byte[]?>>, IConsumer<byte[]?, byte[]?>> create, TimeProvider time,
        ControlCenter.Kafka.Messages.IRecordDecoder? decoder = null)
    {
        Config = config;
        _decoder = decoder;
        _time = time;
        CreatedAt = time.GetUtcNow();
        Touch();
        _consumer = create(builder => builder
            .SetPartitionsRevokedHandler((_, revoked) => Forget(revoked.Select(r => r.TopicPartition)))
            .SetPartitionsLostHandler((_, lost) => Forget(lost.Select(l => l.TopicPartition))));
    }

    public ConsumerInstanceConfig Config { get; }
    public string Owner => Config.Owner;
    public DateTimeOffset CreatedAt { get; }
    public DateTimeOffset LastUsedAt => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);
    public ConsumerMode Mode { get; private set; }
    public long RecordsDelivered { get; private set; }
    public bool IsBusy => _gate.CurrentCount == 0;
    /// <summary>Topics or pattern subscribed to, and the partitions assigned, as of the last request (for the dashboard).</summary>
    public string SubscriptionText { get; private set; } = "";
    public IReadOnlyList<TopicPartition> LastAssignment { get; private set; } = [];

    /// <summary>Runs one request's work on this consumer: one at a time, on the thread pool, Kafka errors as REST errors.</summary>
    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            if (_closed) throw RestException.ConsumerInstanceNotFound();
            Touch();
            return await Task.Run(() =>
            {
                try { return work(); }
                catch (KafkaException e) { throw RestException.Kafka(e.Error); }
                finally { LastAssignment = SafeAssignment(); }
            }, CancellationToken.None);
        }
        finally
        {
            Touch();
            _gate.Release();
        }
    }

    public void Subscribe(IReadOnlyList<string>? topics, string? pattern)
    {
        if (Mode == ConsumerMode.Assigned) throw RestException.IllegalState("Subscription to topics, partitions and pattern are mutually exclusive");
        ClearReadState();
        if (pattern is not null)
        {
            _pattern = new Regex(pattern.TrimStart('^'), RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            _topics = [];
            _consumer.Subscribe("^" + pattern.TrimStart('^')); // librdkafka subscribes to names starting with ^ as regular expressions
            SubscriptionText = "pattern " + pattern;
        }
        else
        {
            _pattern = null;
            _topics = topics!.Distinct().ToList();
            _consumer.Subscribe(_topics);
            SubscriptionText = string.Join(", ", _topics);
        }
        Mode = ConsumerMode.Subscribed;
    }

    /// <summary>The subscribed topics; for a pattern, the existing topics it matches (what Java's consumer reports).</summary>
    public IReadOnlyList<string> Subscription(Func<IEnumerable<string>> allTopics) =>
        Mode != ConsumerMode.Subscribed ? [] : _pattern is { } p ? allTopics().Where(t => p.IsMatch(t)).Order(StringComparer.Ordinal).ToList() : _topics;

    public void Unsubscribe()
    {
        if (Mode == ConsumerMode.Subscribed) _consumer.Unsubscribe();
        if (Mode == ConsumerMode.Assigned) _consumer.Unassign();
        ClearReadState();
        (_topics, _pattern, Mode, SubscriptionText) = ([], null, ConsumerMode.Idle, "");
    }

    public void Assign(IReadOnlyList<TopicPartition> partitions)
    {
        if (Mode == ConsumerMode.Subscribed) throw RestException.IllegalState("Subscription to topics, partitions and pattern are mutually exclusive");
        ClearReadState();
        _consumer.Assign(partitions.Distinct().Select(tp => new TopicPartitionOffset(tp, Offset.Unset)));
        Mode = partitions.Count == 0 ? ConsumerMode.Idle : ConsumerMode.Assigned;
        SubscriptionText = partitions.Count == 0 ? "" : "assigned " + string.Join(", ", partitions.Select(p => $"{p.Topic}-{p.Partition.Value}"));
    }

    public IReadOnlyList<TopicPartition> Assignment() => SafeAssignment();

    /// <summary>
    /// Moves positions (explicit offsets, or Offset.Beginning / Offset.End). The partitions must be
    /// assigned. A manually assigned consumer is re-assigned with the new positions (librdkafka may
    /// refuse a seek before its first fetch); a subscribed one seeks. Beginning and end are resolved
    /// here, to the log start and high watermark: "the end" is where the log ended when the request
    /// came, so a record produced right after it is read (librdkafka would look the end up later).
    /// </summary>
    public void Seek(IReadOnlyList<TopicPartitionOffset> positions)
    {
        var assigned = SafeAssignment().ToHashSet();
        if (positions.FirstOrDefault(p => !assigned.Contains(p.TopicPartition)) is { } missing)
            throw RestException.IllegalState($"No current assignment for partition {missing.Topic}-{missing.Partition.Value}");
        positions = positions.Select(Resolve).ToList();
        foreach (var p in positions)
        {
            if (_pending?.TopicPartition == p.TopicPartition) _pending = null;
            _requested[p.TopicPartition] = p.Offset;
        }
        if (Mode == ConsumerMode.Assigned)
        {
            var wanted = positions.ToDictionary(p => p.TopicPartition, p => p.Offset);
            _consumer.Assign(assigned.Select(tp => new TopicPartitionOffset(tp, wanted.TryGetValue(tp, out var o) ? o : CurrentPosition(tp))));
            return;
        }
        foreach (var p in positions) _consumer.Seek(p);
    }

    private TopicPartitionOffset Resolve(TopicPartitionOffset position)
    {
        if (position.Offset != Offset.End && position.Offset != Offset.Beginning) return position;
        var marks = _consumer.QueryWatermarkOffsets(position.TopicPartition, TimeSpan.FromSeconds(10));
        return new TopicPartitionOffset(position.TopicPartition, position.Offset == Offset.End ? marks.High : marks.Low);
    }

    /// <summary>Records for one GET: until the timeout, max_bytes (at least one record), or the instance's fetch.min.bytes.</summary>
    /// <param name="maskFor">The reader's mask per topic (null for a topic, or no function: unmasked).</param>
    public List<ConsumerRecordBody> Read(TimeSpan timeout, long maxBytes, Func<string, ControlCenter.Kafka.Masking.RecordMask?>? maskFor = null)
    {
        var records = new List<ConsumerRecordBody>();
        if (Mode == ConsumerMode.Idle) return records;
        long bytes = 0;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var left = timeout - clock.Elapsed;
            var next = _pending ?? _consumer.Consume(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            _pending = null;
            if (next is { IsPartitionEOF: false })
            {
                long size = RecordConverter.Size(next);
                if (records.Count > 0 && bytes + size > maxBytes) { _pending = next; break; }
                ConsumerRecordBody body;
                try { body = RecordConverter.ToBody(next, Config.Format, _decoder, maskFor?.Invoke(next.Topic)); }
                catch (System.Text.Json.JsonException e)
                {
                    _pending = next; // not skipped: the client can read it with a binary consumer or seek past it
                    if (records.Count > 0) break;
                    throw new RestException(500, 50002, $"Kafka error: the record at {next.Topic}-{next.Partition.Value} offset {next.Offset.Value} cannot be read as {Config.Format.ToString().ToLowerInvariant()} ({e.Message}); " +
                        "read it with a binary consumer or move past it with POST .../positions.");
                }
                records.Add(body);
                bytes += size;
                _delivered[next.TopicPartition] = next.Offset.Value;
                _requested.Remove(next.TopicPartition);
                if (Config.AutoCommit) _consumer.StoreOffset(next);
                if (bytes >= maxBytes || (Config.FetchMinBytes is { } min and > 0 && bytes >= min)) break;
            }
            if (clock.Elapsed >= timeout) break;
        }
        RecordsDelivered += records.Count;
        return records;
    }

    /// <summary>Commits offset + 1 for each given last-consumed offset, or, with none given, everything handed out so far.</summary>
    public List<CommitResultBody> Commit(IReadOnlyList<TopicPartitionOffset>? lastConsumed)
    {
        var consumed = lastConsumed?.ToDictionary(o => o.TopicPartition, o => o.Offset.Value) ?? new Dictionary<TopicPartition, long>(_delivered);
        if (consumed.Count == 0) return [];
        _consumer.Commit(consumed.Select(kv => new TopicPartitionOffset(kv.Key, kv.Value + 1)));
        return consumed.OrderBy(kv => kv.Key.Topic, StringComparer.Ordinal).ThenBy(kv => kv.Key.Partition.Value)
            .Select(kv => new CommitResultBody(kv.Key.Topic, kv.Key.Partition.Value, kv.Value, kv.Value + 1)).ToList();
    }

    /// <summary>The group's committed offsets (the next offset to read) for these partitions; partitions never committed are left out.</summary>
    public List<CommittedOffsetBody> Committed(IReadOnlyList<TopicPartition> partitions) =>
        _consumer.Committed(partitions, TimeSpan.FromSeconds(10))
            .Where(c => c.Offset.Value >= 0)
            .Select(c => new CommittedOffsetBody(c.Topic, c.Partition.Value, c.Offset.Value, "")).ToList();

    /// <summary>Leaves the group (committing stored offsets when auto-commit is on) and frees the client; waits for a request in flight.</summary>
    public async Task CloseAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_closed) return;
            _closed = true;
            await Task.Run(() =>
            {
                try { _consumer.Close(); }
                catch (KafkaException) { /* the cluster may be gone; the client is freed either way */ }
                _consumer.Dispose();
            });
        }
        finally { _gate.Release(); }
    }

    public bool IsExpired(TimeSpan idle, DateTimeOffset now) => !IsBusy && now - LastUsedAt > idle;

    private Offset CurrentPosition(TopicPartition tp)
    {
        if (_pending?.TopicPartition == tp) return _pending.Offset;
        var position = _consumer.Position(tp);
        return position.Value >= 0 ? position : _requested.GetValueOrDefault(tp, Offset.Unset);
    }

    private IReadOnlyList<TopicPartition> SafeAssignment()
    {
        if (_closed) return [];
        try { return _consumer.Assignment.ToList(); }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException) { return []; }
    }

    private void Forget(IEnumerable<TopicPartition> partitions)
    {
        foreach (var tp in partitions)
        {
            if (_pending?.TopicPartition == tp) _pending = null;
            _delivered.Remove(tp);
            _requested.Remove(tp);
        }
    }

    private void ClearReadState()
    {
        _pending = null;
        _delivered.Clear();
        _requested.Clear();
    }

    private void Touch() => Interlocked.Exchange(ref _lastUsedTicks, _time.GetUtcNow().UtcTicks);

    public void Dispose()
    {
        if (!_closed) CloseAsync().GetAwaiter().GetResult();
        _gate.Dispose();
    }
}
