using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Kafka.Messages;

public enum AcksSetting { None = 0, Leader = 1, All = -1 }

/// <summary>A record from the produce form; <see cref="ValueBytes"/>, when set, is what is sent (the value encoded with a schema).</summary>
public sealed record ProduceForm(string Topic, string? Key, string Value, bool ValueIsJson, IReadOnlyList<(string Key, string Value)> Headers,
    int? Partition, AcksSetting Acks, int Count = 1, byte[]? ValueBytes = null);

/// <summary>One send: where it landed and how long the acknowledgement took (acks=0: not acknowledged, offset unknown).</summary>
public sealed record ProduceOutcome(int Index, int? Partition, long? Offset, double LatencyMs, string? Error);

/// <summary>What the topic accepts: the largest batch (max.message.bytes), whether it is compacted (keys needed), min.insync.replicas.</summary>
public sealed record ProduceTarget(string Topic, bool Exists, bool IsInternal, int Partitions, int MaxMessageBytes, bool Compacted, int MinInSyncReplicas,
    IReadOnlyDictionary<int, int> InSyncReplicas)
{
    public const int DefaultMaxMessageBytes = 1_048_588; // Kafka's default max.message.bytes
}

/// <summary>
/// Sends records from the produce form. One producer per acks setting is kept for the app's
/// life (building a client is not free); partitioning by key is librdkafka's default partitioner.
/// Records are checked against the topic before anything is sent, so a record the cluster would
/// refuse (too large, keyless on a compacted topic, an internal topic) is refused with the reason.
/// </summary>
public sealed class MessageProducer(ClusterConnection connection, Topics.ITopicAdmin topics, Cluster.IClusterState cluster, ILogger<MessageProducer> logger)
    : IDisposable
{
    public const int MaxCount = 10_000;
    /// <summary>What a batch of one record adds around its key, value and headers (header, varints, attributes).</summary>
    public const int BatchOverhead = 61 + 21;
    /// <summary>The producers' own limit: above any topic's, so the topic's max.message.bytes is the one that decides.</summary>
    private const int ClientMaxMessageBytes = 128 * 1024 * 1024;
    private readonly ConcurrentDictionary<AcksSetting, IProducer<byte[]?, byte[]?>> _producers = new();

    /// <summary>Problems with the form itself (JSON that does not parse, a bad count), or null.</summary>
    public static string? Validate(ProduceForm form)
    {
        if (form.Count is < 1 or > MaxCount) return $"Send between 1 and {MaxCount:N0} copies.";
        if (form.Partition is < 0) return "The partition is 0 or more.";
        if (form.ValueIsJson && !MessageFormatter.IsJson(Encoding.UTF8.GetBytes(form.Value))) return "The value is not valid JSON.";
        if (form.Headers.Any(h => string.IsNullOrEmpty(h.Key))) return "Every header needs a name.";
        return null;
    }

    /// <summary>Problems with sending this form to this topic (the cluster would refuse it), or null.</summary>
    public static string? Validate(ProduceForm form, ProduceTarget target)
    {
        if (Validate(form) is { } problem) return problem;
        if (!target.Exists) return $"Topic '{target.Topic}' does not exist.";
        if (target.IsInternal) return $"{target.Topic} is an internal topic: Kafka keeps it for itself and refuses records from clients.";
        if (form.Partition is { } p && p >= target.Partitions) return $"Partition {p} does not exist: {target.Topic} has {target.Partitions} partition(s), 0 to {target.Partitions - 1}.";
        if (target.Compacted && string.IsNullOrEmpty(form.Key))
            return $"{target.Topic} is compacted (cleanup.policy=compact): it keeps the newest record per key, so every record needs a key. Add one.";
        long size = RecordSize(form) + BatchOverhead;
        if (size > target.MaxMessageBytes)
            return $"This record is {size:N0} bytes as a batch; {target.Topic} accepts batches of at most {target.MaxMessageBytes:N0} bytes (max.message.bytes). " +
                   "Raise the topic's max.message.bytes, or send less.";
        return null;
    }

    /// <summary>Key, value and headers as encoded on the wire (UTF-8).</summary>
    public static long RecordSize(ProduceForm form) =>
        Encoding.UTF8.GetByteCount(form.Key ?? "") + (form.ValueBytes?.LongLength ?? Encoding.UTF8.GetByteCount(form.Value))
        + form.Headers.Sum(h => (long)Encoding.UTF8.GetByteCount(h.Key) + Encoding.UTF8.GetByteCount(h.Value) + 2);

    /// <summary>
    /// Says why a send failed where Kafka's reason alone does not: acks=all refused or timed out
    /// because the partition has fewer in-sync replicas than min.insync.replicas.
    /// </summary>
    public static string? Explain(ProduceOutcome failed, ProduceForm form, ProduceTarget target)
    {
        if (failed.Error is null || form.Acks != AcksSetting.All) return null;
        bool replicas = failed.Error.Contains("in-sync replicas", StringComparison.OrdinalIgnoreCase) || failed.Error.Contains("timed out", StringComparison.OrdinalIgnoreCase);
        if (!replicas) return null;
        var lacking = target.InSyncReplicas.Where(p => (form.Partition is null || p.Key == form.Partition) && p.Value < target.MinInSyncReplicas).ToList();
        if (lacking.Count == 0) return null;
        var (partition, isr) = lacking[0];
        return $"acks=all needs {target.MinInSyncReplicas} in-sync replicas (min.insync.replicas) but partition {partition} of {target.Topic} has {isr}: " +
               "such writes cannot succeed until more replicas are in sync. Use acks=1, or lower min.insync.replicas.";
    }

    /// <summary>The topic's limits as the cluster reports them (its configs, and its partitions as the monitor last read them).</summary>
    public async Task<ProduceTarget> TargetAsync(string topic)
    {
        var snapshot = cluster.Snapshot?.Topics.GetValueOrDefault(topic);
        if (snapshot is null) return new ProduceTarget(topic, false, false, 0, ProduceTarget.DefaultMaxMessageBytes, false, 1, new Dictionary<int, int>());
        IReadOnlyList<Topics.TopicConfigEntry> configs;
        try { configs = await topics.DescribeConfigsAsync(topic); }
        catch (ClusterException) { configs = []; } // Kafka's defaults; the cluster still has the last word
        string? Config(string name) => configs.FirstOrDefault(c => c.Name == name)?.Value;
        return new ProduceTarget(topic, true, snapshot.IsInternal, snapshot.Partitions.Count,
            int.TryParse(Config("max.message.bytes"), out int max) ? max : ProduceTarget.DefaultMaxMessageBytes,
            (Config("cleanup.policy") ?? "delete").Split(',').Contains("compact"),
            int.TryParse(Config("min.insync.replicas"), out int minIsr) ? minIsr : 1,
            snapshot.Partitions.ToDictionary(p => p.Partition, p => p.Isr.Length));
    }

    public Task<IReadOnlyList<ProduceOutcome>> ProduceAsync(ProduceForm form, CancellationToken cancellation = default) =>
        ClusterCall.RunAsync(() => ProduceCoreAsync(form, cancellation));

    private async Task<IReadOnlyList<ProduceOutcome>> ProduceCoreAsync(ProduceForm form, CancellationToken cancellation)
    {
        if (Validate(form) is { } problem) throw new ArgumentException(problem);
        var producer = _producers.GetOrAdd(form.Acks, Create);
        var message = new Message<byte[]?, byte[]?>
        {
            Key = string.IsNullOrEmpty(form.Key) ? null : Encoding.UTF8.GetBytes(form.Key),
            Value = form.ValueBytes ?? Encoding.UTF8.GetBytes(form.Value),
            Headers = [],
        };
        foreach (var (key, value) in form.Headers) message.Headers.Add(key, Encoding.UTF8.GetBytes(value));

        var sends = Enumerable.Range(0, form.Count).Select(async i =>
        {
            var watch = Stopwatch.StartNew();
            try
            {
                var result = form.Partition is { } p
                    ? await producer.ProduceAsync(new TopicPartition(form.Topic, p), message, cancellation)
                    : await producer.ProduceAsync(form.Topic, message, cancellation);
                bool acked = form.Acks != AcksSetting.None;
                return new ProduceOutcome(i, result.Partition.Value, acked ? result.Offset.Value : null, watch.Elapsed.TotalMilliseconds, null);
            }
            catch (ProduceException<byte[]?, byte[]?> e)
            {
                return new ProduceOutcome(i, null, null, watch.Elapsed.TotalMilliseconds, e.Error.Reason);
            }
        }).ToList();
        var outcomes = await Task.WhenAll(sends);
        logger.LogInformation("Produced {Count} record(s) of {Bytes} bytes to {Topic} (acks={Acks}, {Failed} failed)",
            form.Count, message.Value.Length, form.Topic, form.Acks, outcomes.Count(o => o.Error is not null));
        return outcomes;
    }

    private IProducer<byte[]?, byte[]?> Create(AcksSetting acks) =>
        connection.CreateProducer<byte[]?, byte[]?>("produce form", c =>
        {
            c.Acks = (Acks)(int)acks;
            c.LingerMs = 1;
            c.MessageTimeoutMs = 30_000;
            c.EnableIdempotence = false;
            c.MessageMaxBytes = ClientMaxMessageBytes;
        });

    public void Dispose()
    {
        foreach (var p in _producers.Values) { p.Flush(TimeSpan.FromSeconds(5)); p.Dispose(); }
    }
}
