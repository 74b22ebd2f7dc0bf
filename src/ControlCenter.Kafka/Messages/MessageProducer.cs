using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Kafka.Messages;

public enum AcksSetting { None = 0, Leader = 1, All = -1 }

public sealed record ProduceForm(string Topic, string? Key, string Value, bool ValueIsJson, IReadOnlyList<(string Key, string Value)> Headers,
    int? Partition, AcksSetting Acks, int Count = 1);

/// <summary>One send: where it landed and how long the acknowledgement took (acks=0: not acknowledged, offset unknown).</summary>
public sealed record ProduceOutcome(int Index, int? Partition, long? Offset, double LatencyMs, string? Error);

/// <summary>
/// Sends records from the produce form. One producer per acks setting is kept for the app's
/// life (building a client is not free); partitioning by key is librdkafka's default partitioner.
/// </summary>
public sealed class MessageProducer(ClusterConnection connection, ILogger<MessageProducer> logger) : IDisposable
{
    public const int MaxCount = 10_000;
    private readonly ConcurrentDictionary<AcksSetting, IProducer<byte[]?, byte[]?>> _producers = new();

    /// <summary>Problems with the form (JSON that does not parse, a bad count), or null.</summary>
    public static string? Validate(ProduceForm form)
    {
        if (form.Count is < 1 or > MaxCount) return $"Send between 1 and {MaxCount:N0} copies.";
        if (form.Partition is < 0) return "The partition is 0 or more.";
        if (form.ValueIsJson && !MessageFormatter.IsJson(Encoding.UTF8.GetBytes(form.Value))) return "The value is not valid JSON.";
        if (form.Headers.Any(h => string.IsNullOrEmpty(h.Key))) return "Every header needs a name.";
        return null;
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
            Value = Encoding.UTF8.GetBytes(form.Value),
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
        logger.LogInformation("Produced {Count} record(s) to {Topic} (acks={Acks}, {Failed} failed)", form.Count, form.Topic, form.Acks, outcomes.Count(o => o.Error is not null));
        return outcomes;
    }

    private IProducer<byte[]?, byte[]?> Create(AcksSetting acks) =>
        connection.CreateProducer<byte[]?, byte[]?>("produce form", c =>
        {
            c.Acks = (Acks)(int)acks;
            c.LingerMs = 1;
            c.MessageTimeoutMs = 30_000;
            c.EnableIdempotence = false;
        });

    public void Dispose()
    {
        foreach (var p in _producers.Values) { p.Flush(TimeSpan.FromSeconds(5)); p.Dispose(); }
    }
}
