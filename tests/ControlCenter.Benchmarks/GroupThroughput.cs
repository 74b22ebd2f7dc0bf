using System.Diagnostics;
using Confluent.Kafka;
using ControlCenter.Testing;

namespace ControlCenter.Benchmarks;

/// <summary>Three members of one group sharing a 6-partition topic: rebalance time and group consumption rate.</summary>
public static class GroupThroughput
{
    public static async Task RunAsync(Options options)
    {
        int records = options.GetInt("records", 1_000_000);
        string dataDir = TempDir.Create("bench-group");
        try
        {
            using var broker = await BrokerProcess.StartAsync(dataDir);
            string bootstrap = broker.BootstrapServers;
            await Clients.CreateTopicAsync(bootstrap, "group-bench", 6);
            using (var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 5, QueueBufferingMaxMessages = 1_000_000 }).Build())
            {
                var value = new byte[100];
                for (int i = 0; i < records; i++)
                    while (true)
                        try { producer.Produce("group-bench", new Message<Null, byte[]> { Value = value }); break; }
                        catch (ProduceException<Null, byte[]>) { producer.Poll(TimeSpan.FromMilliseconds(1)); }
                producer.Flush(TimeSpan.FromMinutes(2));
            }
            Console.WriteLine($"group-throughput: {records:N0} records, 6 partitions, 3 members (group.initial.rebalance.delay.ms = 300)");

            long consumed = 0;
            var assignedAt = new DateTime[3];
            var start = DateTime.UtcNow;
            var watch = Stopwatch.StartNew();
            var threads = Enumerable.Range(0, 3).Select(m => new Thread(() =>
            {
                using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
                {
                    BootstrapServers = bootstrap, GroupId = "bench-group", AutoOffsetReset = AutoOffsetReset.Earliest,
                    EnableAutoCommit = true, MaxPartitionFetchBytes = 4_194_304,
                }).SetPartitionsAssignedHandler((_, parts) => { if (parts.Count > 0) assignedAt[m] = DateTime.UtcNow; }).Build();
                consumer.Subscribe("group-bench");
                while (Interlocked.Read(ref consumed) < records)
                    if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not null) Interlocked.Increment(ref consumed);
                consumer.Close();
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            double seconds = watch.Elapsed.TotalSeconds;
            var allAssigned = assignedAt.Max();
            Report.Line("rebalance: subscribe → all 3 assigned", (allAssigned - start).TotalMilliseconds, "ms");
            Report.Line("group consume records/s (incl. join)", records / seconds, "rec/s");
            Report.Line("group consume records/s (after join)", records / (seconds - (allAssigned - start).TotalSeconds), "rec/s");
            Report.Line("peak broker memory (VmHWM)", Report.Mb(broker.PeakMemoryBytes), "MB");
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }
}
