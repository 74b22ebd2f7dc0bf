using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka;
using ControlCenter.SchemaRegistry.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlCenter.SchemaRegistry.Storage;

/// <summary>
/// The embedded registry's storage: a one-partition compacted topic on the managed cluster,
/// read from the start when the registry loads and written with acks=all (the registry is the
/// only writer, so what it has written and Kafka acknowledged is the truth).
/// </summary>
internal sealed class SchemasTopic(ClusterConnection connection, IOptions<SchemaRegistryOptions> options, ILogger<SchemasTopic> logger) : IDisposable
{
    private IProducer<byte[], byte[]?>? _producer;
    private string Topic => options.Value.Topic;
    private TimeSpan Timeout => TimeSpan.FromMilliseconds(options.Value.StoreTimeoutMs);

    /// <summary>Creates the topic when missing and replays it into <paramref name="state"/>.</summary>
    public async Task LoadAsync(RegistryState state, CancellationToken cancellation)
    {
        await EnsureTopicAsync();
        await Task.Run(() => Replay(state, cancellation), cancellation);
    }

    private async Task EnsureTopicAsync()
    {
        using var admin = connection.CreateAdmin("schema-registry");
        var metadata = admin.GetMetadata(Timeout);
        if (metadata.Topics.Any(t => t.Topic == Topic && t.Error.Code == ErrorCode.NoError)) return;
        short replicas = (short)Math.Min(3, Math.Max(1, metadata.Brokers.Count));
        try
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = Topic, NumPartitions = 1, ReplicationFactor = replicas,
                Configs = new() { ["cleanup.policy"] = "compact", ["min.insync.replicas"] = replicas > 1 ? "2" : "1" },
            }]);
            logger.LogInformation("Created the schema registry's topic {Topic} (replication factor {Replicas})", Topic, replicas);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.TopicAlreadyExists or ErrorCode.NoError)) { }
    }

    private void Replay(RegistryState state, CancellationToken cancellation)
    {
        using var consumer = connection.CreateConsumer<byte[]?, byte[]?>("schema-registry", "schema-registry-reader",
            c => { c.EnablePartitionEof = true; c.AutoOffsetReset = AutoOffsetReset.Earliest; });
        var partition = new TopicPartition(Topic, 0);
        var end = consumer.QueryWatermarkOffsets(partition, Timeout).High;
        consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        var deadline = DateTime.UtcNow + Timeout;
        long next = 0;
        while (next < end)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw RegistryException.StoreError($"Reading {Topic} timed out at offset {next} of {end}");
            var result = consumer.Consume(left < TimeSpan.FromMilliseconds(500) ? left : TimeSpan.FromMilliseconds(500));
            cancellation.ThrowIfCancellationRequested();
            if (result is null) continue;
            if (result.IsPartitionEOF) { next = result.Offset.Value; continue; }
            state.Apply(result.Message.Key, result.Message.Value);
            next = result.Offset.Value + 1;
        }
        logger.LogInformation("Schema registry loaded {Topic} up to offset {End}", Topic, end);
    }

    /// <summary>Appends one record and returns once every in-sync replica has it.</summary>
    public async Task WriteAsync(byte[] key, byte[]? value, CancellationToken cancellation)
    {
        _producer ??= connection.CreateProducer<byte[], byte[]?>("schema-registry",
            c => { c.Acks = Acks.All; c.EnableIdempotence = true; c.LingerMs = 0; c.MessageTimeoutMs = options.Value.StoreTimeoutMs; });
        try
        {
            await _producer.ProduceAsync(new TopicPartition(Topic, 0), new Message<byte[], byte[]?> { Key = key, Value = value }, cancellation);
        }
        catch (ProduceException<byte[], byte[]?> e)
        {
            throw RegistryException.StoreError($"Error while writing to {Topic}: {e.Error.Reason}");
        }
    }

    public void Dispose() => _producer?.Dispose();
}
