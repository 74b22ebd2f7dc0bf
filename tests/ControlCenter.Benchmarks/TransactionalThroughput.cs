using System.Diagnostics;
using Confluent.Kafka;
using ControlCenter.Testing;

namespace ControlCenter.Benchmarks;

/// <summary>
/// Transactional produce (one transaction per --per-transaction records, 1,000) beside plain
/// idempotent produce (acks=all), alternating rounds against the broker process, with the
/// commit latency, then what read_committed costs a consumer of the transactional topic.
/// </summary>
public static class TransactionalThroughput
{
    private static int Linger = 5;

    public static async Task RunAsync(Options options)
    {
        Linger = options.GetInt("linger", 5);
        int records = options.GetInt("records", 1_000_000);
        int perTransaction = options.GetInt("per-transaction", 1000);
        int rounds = options.GetInt("rounds", 2);
        string dataDir = TempDir.Create("bench-transactions");
        try
        {
            using var broker = await BrokerProcess.StartAsync(dataDir);
            Console.WriteLine($"transactions: {records:N0} records of 100 bytes per round, 6 partitions, {perTransaction:N0} per transaction, {rounds} rounds, broker pid {broker.Pid}");
            for (int round = 1; round <= rounds; round++)
            {
                await Clients.CreateTopicAsync(broker.BootstrapServers, $"idem-{round}", 6);
                await Clients.CreateTopicAsync(broker.BootstrapServers, $"txn-{round}", 6);
                long cpu = broker.CpuTimeTicks;
                double idem = Idempotent(broker.BootstrapServers, $"idem-{round}", records);
                long idemCpu = broker.CpuTimeTicks - cpu;
                cpu = broker.CpuTimeTicks;
                var (txn, commits) = Transactional(broker.BootstrapServers, $"txn-{round}", records, perTransaction, round);
                long txnCpu = broker.CpuTimeTicks - cpu;
                Report.Line($"round {round}: idempotent produce", records / idem, "rec/s");
                Report.Line($"round {round}: transactional produce", records / txn, "rec/s");
                Report.Line($"round {round}: flush p50 (records acked)", Percentile(flushes, 0.50), "ms");
                flushes.Clear();
                Report.Line($"round {round}: commit p50", Percentile(commits, 0.50), "ms");
                Report.Line($"round {round}: commit p95", Percentile(commits, 0.95), "ms");
                Report.Line($"round {round}: broker CPU idempotent", idemCpu * 10, "ms");
                Report.Line($"round {round}: broker CPU transactional", txnCpu * 10, "ms");
            }
            var committed = Consume(broker.BootstrapServers, "txn-1", records, IsolationLevel.ReadCommitted);
            var uncommitted = Consume(broker.BootstrapServers, "txn-1", records, IsolationLevel.ReadUncommitted);
            Report.Line("consume txn topic, read_committed", records / committed, "rec/s");
            Report.Line("consume txn topic, read_uncommitted", records / uncommitted, "rec/s");
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }

    private static ProducerConfig Config(string bootstrap) => new()
    {
        BootstrapServers = bootstrap, Acks = Acks.All, EnableIdempotence = true, LingerMs = Linger,
        QueueBufferingMaxMessages = 1_000_000, QueueBufferingMaxKbytes = 1_048_576, BatchSize = 1_000_000,
    };

    private static void ProduceAll(IProducer<Null, byte[]> producer, string topic, int count, Message<Null, byte[]> message)
    {
        for (int i = 0; i < count; i++)
        {
            while (true)
            {
                try { producer.Produce(topic, message); break; }
                catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull) { producer.Poll(TimeSpan.FromMilliseconds(1)); }
            }
        }
    }

    private static double Idempotent(string bootstrap, string topic, int records)
    {
        using var producer = new ProducerBuilder<Null, byte[]>(Config(bootstrap)).Build();
        var message = new Message<Null, byte[]> { Value = new byte[100] };
        var watch = Stopwatch.StartNew();
        ProduceAll(producer, topic, records, message);
        producer.Flush(TimeSpan.FromMinutes(5));
        return watch.Elapsed.TotalSeconds;
    }

    private static readonly List<double> flushes = [];

    private static (double Seconds, List<double> CommitMs) Transactional(string bootstrap, string topic, int records, int perTransaction, int round)
    {
        var config = Config(bootstrap);
        config.TransactionalId = $"bench-{round}";
        using var producer = new ProducerBuilder<Null, byte[]>(config).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        var message = new Message<Null, byte[]> { Value = new byte[100] };
        var commits = new List<double>();
        var watch = Stopwatch.StartNew();
        for (int sent = 0; sent < records; sent += perTransaction)
        {
            producer.BeginTransaction();
            ProduceAll(producer, topic, Math.Min(perTransaction, records - sent), message);
            var commit = Stopwatch.StartNew();
            producer.Flush(TimeSpan.FromMinutes(1)); // the transaction's records acknowledged
            flushes.Add(commit.Elapsed.TotalMilliseconds);
            commit.Restart();
            producer.CommitTransaction(TimeSpan.FromMinutes(1)); // EndTxn: prepare, markers, complete
            commits.Add(commit.Elapsed.TotalMilliseconds);
        }
        return (watch.Elapsed.TotalSeconds, commits);
    }

    private static double Consume(string bootstrap, string topic, int records, IsolationLevel isolation)
    {
        using var consumer = Clients.Consumer(bootstrap, "bench-" + Guid.NewGuid().ToString("N"), c => { c.IsolationLevel = isolation; c.FetchMaxBytes = 52_428_800; c.MaxPartitionFetchBytes = 10_485_760; });
        consumer.Subscribe(topic);
        var watch = Stopwatch.StartNew();
        int seen = 0;
        while (seen < records && watch.Elapsed < TimeSpan.FromMinutes(5))
            if (consumer.Consume(TimeSpan.FromSeconds(1)) is { IsPartitionEOF: false }) seen++;
        return watch.Elapsed.TotalSeconds;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];
    }
}
