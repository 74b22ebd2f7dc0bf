using System.Diagnostics;
using Confluent.Kafka;
using ControlCenter.Testing;

namespace ControlCenter.Benchmarks;

/// <summary>
/// Kafka's classic single-producer / single-consumer benchmark shape (6 partitions, 100-byte
/// values) against the broker running as its own process, so its memory is measured alone.
/// </summary>
public static class BrokerThroughput
{
    public static async Task RunAsync(Options options)
    {
        int records = options.GetInt("records", 5_000_000);
        int valueSize = options.GetInt("value-size", 100);
        string dataDir = TempDir.Create("bench-throughput");
        try
        {
            using var broker = await BrokerProcess.StartAsync(dataDir);
            await Clients.CreateTopicAsync(broker.BootstrapServers, "bench", 6);
            Console.WriteLine($"broker-throughput: {records:N0} records of {valueSize} bytes, 6 partitions, broker pid {broker.Pid}");

            var (produceSeconds, errors) = Produce(broker.BootstrapServers, records, valueSize);
            long payload = (long)records * valueSize;
            Report.Line("produce records/s", records / produceSeconds, "rec/s");
            Report.Line("produce MB/s (values)", Report.Mb(payload) / produceSeconds, "MB/s");
            if (errors > 0) Report.Line("produce errors", errors, "records");

            long cpuBefore = broker.CpuTimeTicks;
            double consumeSeconds = Consume(broker.BootstrapServers, records, tuned: true);
            long consumeCpu = broker.CpuTimeTicks - cpuBefore;
            Report.Line("consume records/s (.NET, tuned fetch)", records / consumeSeconds, "rec/s");
            Report.Line("consume MB/s (values)", Report.Mb(payload) / consumeSeconds, "MB/s");
            Report.Line("broker CPU for that consume", consumeCpu * 10, "ms");
            double defaultSeconds = Consume(broker.BootstrapServers, records, tuned: false);
            Report.Line("consume records/s (.NET, default config)", records / defaultSeconds, "rec/s");
            var kcat = Stopwatch.StartNew();
            var run = await Kcat.RunAsync($"-b {broker.BootstrapServers} -C -t bench -e -q -o beginning -f x", timeout: TimeSpan.FromMinutes(5));
            if (run.ExitCode == 0 && run.Output.Length == records)
                Report.Line("consume records/s (kcat -C -e, C client)", records / kcat.Elapsed.TotalSeconds, "rec/s");
            else Report.Line("kcat", $"failed: {run.Error.Trim()}");
            Report.Line("peak broker memory (VmHWM)", Report.Mb(broker.PeakMemoryBytes), "MB");
            Report.Line("log size on disk", Report.Mb(Directory.EnumerateFiles(dataDir, "*.log", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)), "MB");
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }

    /// <summary>One producer, as fast as it goes (linger 5 ms, large batches); seconds until every record is acknowledged.</summary>
    internal static (double Seconds, long Errors) Produce(string bootstrap, int records, int valueSize, string topic = "bench", Acks acks = Acks.Leader)
    {
        long errors = 0;
        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            Acks = acks,
            EnableIdempotence = false,
            LingerMs = 5,
            QueueBufferingMaxMessages = 1_000_000,
            QueueBufferingMaxKbytes = 1_048_576,
            BatchSize = 1_000_000,
        }).Build();
        var value = new byte[valueSize];
        Random.Shared.NextBytes(value);
        var message = new Message<Null, byte[]> { Value = value };
        Action<DeliveryReport<Null, byte[]>> onDelivery = r => { if (r.Error.IsError) Interlocked.Increment(ref errors); };
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < records; i++)
        {
            while (true)
            {
                try { producer.Produce(topic, message, onDelivery); break; }
                catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull) { producer.Poll(TimeSpan.FromMilliseconds(1)); }
            }
        }
        producer.Flush(TimeSpan.FromMinutes(5));
        return (watch.Elapsed.TotalSeconds, errors);
    }

    /// <summary>
    /// Reads everything back. "Tuned" gives librdkafka a deep prefetch queue and skips marshalling
    /// fields the benchmark does not read; the default config shows what an untuned client gets.
    /// </summary>
    private static double Consume(string bootstrap, int records, bool tuned)
    {
        var config = new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "bench-reader", EnableAutoCommit = false };
        if (tuned)
        {
            config.QueuedMinMessages = 1_000_000;
            config.FetchMaxBytes = 52_428_800;
            config.MaxPartitionFetchBytes = 4_194_304;
            config.ConsumeResultFields = "none";
        }
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config).Build();
        consumer.Assign(Enumerable.Range(0, 6).Select(p => new TopicPartitionOffset("bench", p, Offset.Beginning)));
        var watch = Stopwatch.StartNew();
        int count = 0;
        while (count < records)
            if (consumer.Consume(TimeSpan.FromSeconds(10)) is not null) count++;
            else throw new TimeoutException($"Consumer stalled at {count:N0} records");
        return watch.Elapsed.TotalSeconds;
    }
}
