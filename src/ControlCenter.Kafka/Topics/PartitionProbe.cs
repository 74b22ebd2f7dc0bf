using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Kafka.Topics;

public sealed record ProbeOptions(int RecordSize = 1024, double MaxSeconds = 4, long MaxBytes = 64L * 1024 * 1024, short ReplicationFactor = 1);

public sealed record ProbeProgress(string Phase, double Fraction, long Bytes, double MBps);

public sealed record ProbeResult(double ProduceMBps, double ConsumeMBps, long Records, long Bytes, string Topic);

/// <summary>
/// Measures what one partition of the connected cluster sustains: produces into a temporary
/// single-partition topic for a bounded time and volume, reads it all back, then deletes the
/// topic (also when cancelled or failing). Progress is reported as it goes.
/// </summary>
public sealed class PartitionProbe(ClusterConnection connection, ITopicAdmin topics, ILogger<PartitionProbe> logger) : IPartitionProbe
{
    public async Task<ProbeResult> MeasureAsync(ProbeOptions options, IProgress<ProbeProgress>? progress, CancellationToken cancellation)
    {
        string topic = $"control-center-probe-{Guid.NewGuid():N}"[..32];
        var created = await topics.CreateAsync(new TopicSpec(topic, 1, options.ReplicationFactor, new Dictionary<string, string>()), validateOnly: false);
        if (!created.Succeeded) throw new InvalidOperationException($"Could not create the probe topic: {created.Error}");
        try
        {
            var (records, bytes, produceSeconds) = await Task.Run(() => Produce(topic, options, progress, cancellation), cancellation);
            double consumeSeconds = await Task.Run(() => Consume(topic, records, bytes, options, progress, cancellation), cancellation);
            var result = new ProbeResult(Mb(bytes) / produceSeconds, Mb(bytes) / consumeSeconds, records, bytes, topic);
            logger.LogInformation("Partition probe: produce {Produce:0.0} MB/s, consume {Consume:0.0} MB/s over {Bytes} bytes", result.ProduceMBps, result.ConsumeMBps, bytes);
            return result;
        }
        finally
        {
            var deleted = await topics.DeleteAsync(topic);
            if (!deleted.Succeeded) logger.LogWarning("Could not delete probe topic {Topic}: {Error}", topic, deleted.Error);
        }
    }

    private static double Mb(long bytes) => bytes / (1024.0 * 1024.0);

    private (long Records, long Bytes, double Seconds) Produce(string topic, ProbeOptions options, IProgress<ProbeProgress>? progress, CancellationToken cancellation)
    {
        using var producer = connection.CreateProducer<Null, byte[]>("partition probe", c =>
        {
            c.Acks = Acks.All;
            c.LingerMs = 5;
            c.BatchSize = 1_000_000;
            c.CompressionType = CompressionType.None;
        });
        var value = new byte[options.RecordSize];
        Random.Shared.NextBytes(value); // incompressible, like real payloads
        var message = new Message<Null, byte[]> { Value = value };
        var watch = Stopwatch.StartNew();
        long records = 0, failed = 0;
        var lastReport = TimeSpan.Zero;
        while (watch.Elapsed.TotalSeconds < options.MaxSeconds && records * options.RecordSize < options.MaxBytes)
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                producer.Produce(topic, message, r => { if (r.Error.IsError) Interlocked.Increment(ref failed); });
                records++;
            }
            catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(5));
            }
            if (watch.Elapsed - lastReport > TimeSpan.FromMilliseconds(250))
            {
                lastReport = watch.Elapsed;
                long sent = records * options.RecordSize;
                progress?.Report(new ProbeProgress("Producing", Math.Min(0.5, 0.5 * Math.Max(watch.Elapsed.TotalSeconds / options.MaxSeconds, (double)sent / options.MaxBytes)),
                    sent, Mb(sent) / watch.Elapsed.TotalSeconds));
            }
        }
        producer.Flush(cancellation);
        if (failed > 0) throw new InvalidOperationException($"{failed} probe records could not be written");
        return (records, records * options.RecordSize, watch.Elapsed.TotalSeconds);
    }

    private double Consume(string topic, long records, long bytes, ProbeOptions options, IProgress<ProbeProgress>? progress, CancellationToken cancellation)
    {
        using var consumer = connection.CreateConsumer<Ignore, byte[]>("partition probe", "control-center-probe", c =>
        {
            c.QueuedMinMessages = 1_000_000;
            c.MaxPartitionFetchBytes = 4 * 1024 * 1024;
            c.ConsumeResultFields = "none";
        });
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var watch = Stopwatch.StartNew();
        long read = 0;
        var deadline = TimeSpan.FromSeconds(Math.Max(30, options.MaxSeconds * 10));
        while (read < records)
        {
            cancellation.ThrowIfCancellationRequested();
            if (watch.Elapsed > deadline) throw new TimeoutException($"Reading the probe topic back stalled at {read} of {records} records");
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not null) read++;
            if (read % 5000 == 0)
                progress?.Report(new ProbeProgress("Consuming", 0.5 + 0.5 * read / records, read * options.RecordSize, Mb(read * options.RecordSize) / watch.Elapsed.TotalSeconds));
        }
        consumer.Close();
        return watch.Elapsed.TotalSeconds;
    }
}
