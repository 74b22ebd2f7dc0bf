using System.Collections.Concurrent;
using Confluent.Kafka;

namespace ControlCenter.Broker.Tests.Storage;

/// <summary>kill -9 in the middle of acks=all production must never lose an acknowledged record.</summary>
public class CrashRecoveryTests
{
    [Fact]
    public async Task NoAcknowledgedRecordIsLostAcrossRepeatedSigkills()
    {
        string dataDir = TempDir.Create("crash");
        try
        {
            var acknowledged = new ConcurrentDictionary<string, bool>();
            int port = 0;
            const int cycles = 4;
            for (int cycle = 0; cycle < cycles; cycle++)
            {
                using var broker = await BrokerProcess.StartAsync(dataDir, port);
                port = broker.Port;
                // Small segments, so the kills land around rolls too.
                if (cycle == 0) await Clients.CreateTopicAsync(broker.BootstrapServers, "crash", 3, new() { ["internal.segment.bytes"] = "200000" });
                int ackedBefore = acknowledged.Count;
                using var stop = new CancellationTokenSource();
                var producing = Task.Run(() => Produce(broker.BootstrapServers, cycle, acknowledged, stop.Token), TestContext.Current.CancellationToken);
                await Wait.UntilAsync(() => acknowledged.Count >= ackedBefore + 3000, "records to be acknowledged", cancellation: TestContext.Current.CancellationToken);
                broker.Kill(); // while the producer is still sending
                stop.Cancel();
                await producing;
            }

            using var final = await BrokerProcess.StartAsync(dataDir, port);
            var stored = Clients.ReadAll(final.BootstrapServers, "crash", 3, TimeSpan.FromSeconds(60))
                .Select(r => System.Text.Encoding.UTF8.GetString(r.Message.Value!)).ToHashSet();
            var lost = acknowledged.Keys.Where(k => !stored.Contains(k)).ToList();
            Assert.True(acknowledged.Count >= cycles * 3000);
            Assert.True(lost.Count == 0, $"{lost.Count} acknowledged records lost, e.g. {string.Join(", ", lost.Take(5))}");

            // Offsets stay contiguous per partition after the torn tails were cut off.
            foreach (var group in Clients.ReadAll(final.BootstrapServers, "crash", 3, TimeSpan.FromSeconds(60)).GroupBy(r => r.Partition.Value))
            {
                var offsets = group.Select(r => r.Offset.Value).ToList();
                Assert.Equal(Enumerable.Range(0, offsets.Count).Select(i => (long)i), offsets);
            }
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }

    private static void Produce(string bootstrap, int cycle, ConcurrentDictionary<string, bool> acknowledged, CancellationToken stop)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            Acks = Acks.All,
            LingerMs = 1,
            MessageTimeoutMs = 5000,
        }).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build(); // the broker dies under it: expected noise
        int i = 0;
        while (!stop.IsCancellationRequested)
        {
            string id = $"c{cycle}-{i++}";
            try
            {
                producer.Produce("crash", new Message<Null, string> { Value = id }, report =>
                {
                    if (report.Error.Code == ErrorCode.NoError) acknowledged[id] = true;
                });
            }
            catch (ProduceException<Null, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(10));
            }
            if (i % 100 == 0) producer.Poll(TimeSpan.Zero);
        }
        producer.Flush(TimeSpan.FromSeconds(6)); // undeliverable records time out: they were never acknowledged
    }
}
