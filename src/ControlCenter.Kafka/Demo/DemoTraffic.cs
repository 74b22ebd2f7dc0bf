using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Cluster;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlCenter.Kafka.Demo;

/// <summary>
/// A living cluster for a first-time user: example topics, a steady producer of JSON records
/// (uuid keys) whose rate drifts over minutes, a consumer group that keeps up with the orders
/// and one that falls behind on the clickstream. On by default only with the embedded broker;
/// topics keep one hour of data, so the demo never fills the disk.
/// </summary>
public sealed class DemoTraffic(ClusterConnection connection, ClusterAdmin admin, IOptions<DemoOptions> options, TimeProvider time, ILogger<DemoTraffic> logger)
    : Hosting.LoopService
{
    public const string Orders = "demo.orders", Payments = "demo.payments", Clicks = "demo.clickstream";
    public const string KeepingUpGroup = "demo-order-service", LaggingGroup = "demo-analytics";
    public static readonly IReadOnlyList<(string Topic, int Partitions)> Topics = [(Orders, 6), (Payments, 3), (Clicks, 3)];

    /// <summary>Share of the clickstream's average rate the lagging group reads: below the drift's low point (0.5×), so it always falls behind.</summary>
    private const double LaggingShare = 0.45;

    private volatile bool _paused;
    private volatile bool _producerIdle;

    /// <summary>Whether the demo runs at all (Demo:Enabled, or the embedded broker when unset).</summary>
    public bool IsEnabled => options.Value.Enabled ?? connection.IsEmbedded;
    public bool IsPaused => _paused;
    /// <summary>The producer has seen the pause and delivered everything it had queued: nothing more arrives until resumed.</summary>
    public bool ProducerIdle => _paused && _producerIdle;
    public long Produced => Interlocked.Read(ref _produced);
    private long _produced;

    /// <summary>Pauses or resumes the producer and both consumers (the UI's switch).</summary>
    public void SetPaused(bool paused)
    {
        _paused = paused;
        logger.LogInformation("Demo traffic {State}", paused ? "paused" : "resumed");
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (!IsEnabled) return;
        await connection.WhenReadyAsync(stopping);
        await CreateTopicsAsync(stopping);
        logger.LogInformation("Demo traffic on: {Topics}, groups {KeepingUp} (keeps up) and {Lagging} (falls behind). Turn off with Demo__Enabled=false.",
            string.Join(", ", Topics.Select(t => t.Topic)), KeepingUpGroup, LaggingGroup);
        var loops = new[]
        {
            Task.Factory.StartNew(() => Produce(stopping), TaskCreationOptions.LongRunning),
            Task.Factory.StartNew(() => Consume(KeepingUpGroup, Orders, 1.0, stopping), TaskCreationOptions.LongRunning),
            Task.Factory.StartNew(() => Consume(LaggingGroup, Clicks, LaggingShare, stopping), TaskCreationOptions.LongRunning),
        };
        await Task.WhenAll(loops);
    }

    private async Task CreateTopicsAsync(CancellationToken stopping)
    {
        var specs = Topics.Select(t => new TopicSpecification
        {
            Name = t.Topic, NumPartitions = t.Partitions, ReplicationFactor = -1,
            Configs = new() { ["retention.ms"] = "3600000", ["segment.ms"] = "600000" },
        }).ToList();
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await admin.Client.CreateTopicsAsync(specs, new CreateTopicsOptions { RequestTimeout = admin.Timeout }).OffPollThread();
                return;
            }
            catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists)) { return; }
            catch (KafkaException e)
            {
                logger.LogDebug("Demo topics not created yet: {Error}", e.Error.Reason);
                await Task.Delay(TimeSpan.FromSeconds(2), time, stopping);
            }
        }
    }

    /// <summary>Orders at the configured rate, payments at half, clicks at 2.5× — drifting ±50% over a few minutes.</summary>
    private void Produce(CancellationToken stopping)
    {
        using var producer = connection.CreateProducer<byte[], byte[]>("demo producer", c => { c.LingerMs = 20; c.Acks = Acks.Leader; });
        var random = new Random();
        var headers = new Headers { { "content-type", "application/json"u8.ToArray() }, { "source", "control-center-demo"u8.ToArray() } };
        double debt = 0;
        var last = time.GetUtcNow();
        while (!stopping.IsCancellationRequested)
        {
            stopping.WaitHandle.WaitOne(50);
            var now = time.GetUtcNow();
            double drift = 1 + 0.5 * Math.Sin(now.TimeOfDay.TotalMinutes / 3 * Math.PI);
            debt += (now - last).TotalSeconds * options.Value.OrdersPerSecond * drift;
            last = now;
            if (_paused)
            {
                debt = 0;
                if (!_producerIdle) { producer.Flush(TimeSpan.FromSeconds(5)); _producerIdle = true; } // nothing left in flight
                continue;
            }
            _producerIdle = false;
            for (; debt >= 1; debt--)
            {
                Send(producer, Orders, DemoRecords.Order(random, now), headers);
                if (random.NextDouble() < 0.5) Send(producer, Payments, DemoRecords.Payment(random, now), headers);
                for (int c = 0; c < 2 + (random.NextDouble() < 0.5 ? 1 : 0); c++) Send(producer, Clicks, DemoRecords.Click(random, now), headers);
            }
        }
        producer.Flush(TimeSpan.FromSeconds(5));
    }

    private void Send(IProducer<byte[], byte[]> producer, string topic, (byte[] Key, byte[] Value) record, Headers headers)
    {
        try
        {
            producer.Produce(topic, new Message<byte[], byte[]> { Key = record.Key, Value = record.Value, Headers = headers });
            Interlocked.Increment(ref _produced);
        }
        catch (ProduceException<byte[], byte[]> e) { logger.LogDebug("demo produce: {Error}", e.Error.Reason); } // queue full while the cluster is away
    }

    /// <summary>A group member that reads <paramref name="share"/> of what arrives (1 = keeps up) and commits every second.</summary>
    private void Consume(string group, string topic, double share, CancellationToken stopping)
    {
        using var consumer = connection.CreateConsumer<Ignore, Ignore>("demo consumer", group, c =>
            {
                c.AutoOffsetReset = AutoOffsetReset.Earliest;
                c.EnableAutoCommit = true;
                c.AutoCommitIntervalMs = 1000;
                c.EnableAutoOffsetStore = true;
                c.ClientId = $"{group}-consumer";
            });
        consumer.Subscribe(topic);
        double budget = 0;
        var last = time.GetUtcNow();
        double produceRate = options.Value.OrdersPerSecond * (topic == Clicks ? 2.5 : 1);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (_paused) { stopping.WaitHandle.WaitOne(200); consumer.Consume(0); continue; }
                if (share < 1)
                {
                    // Read at a fixed pace below the average produce rate: lag grows until retention catches it.
                    var now = time.GetUtcNow();
                    budget = Math.Min(budget + (now - last).TotalSeconds * produceRate * share, produceRate);
                    last = now;
                    if (budget < 1) { stopping.WaitHandle.WaitOne(50); continue; }
                    budget--;
                }
                try { consumer.Consume(TimeSpan.FromMilliseconds(200)); }
                catch (ConsumeException e) { logger.LogDebug("demo consume: {Error}", e.Error.Reason); }
            }
        }
        catch (OperationCanceledException) { }
        finally { consumer.Close(); }
    }
}
