using System.Collections.Concurrent;
using Confluent.Kafka;

namespace ControlCenter.Broker.Tests.Groups;

/// <summary>Real Confluent.Kafka consumers in classic groups against the coordinator.</summary>
public class ConsumerGroupTests
{
    private const string Topic = "orders";

    private static async Task ProduceAsync(string bootstrap, int from, int count)
    {
        using var producer = Clients.Producer(bootstrap);
        for (int i = from; i < from + count; i++)
            producer.Produce(new TopicPartition(Topic, i % 6), new Message<byte[]?, byte[]?> { Key = BitConverter.GetBytes(i), Value = BitConverter.GetBytes(i) });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        await Task.CompletedTask;
    }

    /// <summary>A consumer on its own thread that records what it got and commits after each record.</summary>
    private sealed class Member : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;
        public IConsumer<byte[]?, byte[]?> Consumer { get; }
        public volatile List<TopicPartition> Assigned = [];

        public Member(string bootstrap, string group, ConcurrentBag<int> received, Action<ConsumerConfig>? configure = null, int delayMs = 0)
        {
            Consumer = new ConsumerBuilder<byte[]?, byte[]?>(Config(bootstrap, group, configure))
                .SetPartitionsAssignedHandler((_, parts) => Assigned = parts)
                .SetPartitionsRevokedHandler((c, _) => { Assigned = []; })
                .Build();
            Consumer.Subscribe(Topic);
            _thread = new Thread(() =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        var r = Consumer.Consume(TimeSpan.FromMilliseconds(100));
                        if (r is null) continue;
                        received.Add(BitConverter.ToInt32(r.Message.Value));
                        if (delayMs > 0) Thread.Sleep(delayMs);
                        Consumer.Commit(r);
                    }
                    catch (KafkaException) { /* rebalance in progress: the next poll rejoins */ }
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        private static ConsumerConfig Config(string bootstrap, string group, Action<ConsumerConfig>? configure)
        {
            var config = new ConsumerConfig
            {
                BootstrapServers = bootstrap, GroupId = group, AutoOffsetReset = AutoOffsetReset.Earliest,
                EnableAutoCommit = false, SessionTimeoutMs = 6000, HeartbeatIntervalMs = 500,
            };
            configure?.Invoke(config);
            return config;
        }

        public void Stop() { _stop.Cancel(); _thread.Join(); }
        public void Leave() { Stop(); Consumer.Close(); }

        public void Dispose()
        {
            if (!_stop.IsCancellationRequested) Stop();
            Consumer.Dispose();
        }
    }

    [Fact]
    public async Task MembersShareLeaveTakeOverAndResumeFromCommittedOffsets()
    {
        await using var broker = await TestBroker.StartAsync();
        string b = broker.BootstrapServers;
        await Clients.CreateTopicAsync(b, Topic, 6);
        await ProduceAsync(b, 0, 600);
        var received = new ConcurrentBag<int>();

        var members = Enumerable.Range(0, 3).Select(_ => new Member(b, "shared", received)).ToList();
        await Clients.WaitUntilAsync(() => members.All(m => m.Assigned.Count == 2), TimeSpan.FromSeconds(30), "2 partitions each");
        Assert.Equal(6, members.SelectMany(m => m.Assigned).Distinct().Count());
        await Clients.WaitUntilAsync(() => received.Distinct().Count() == 600, TimeSpan.FromSeconds(30), "the first 600 records");

        members[0].Leave();
        await Clients.WaitUntilAsync(() => members.Skip(1).All(m => m.Assigned.Count == 3), TimeSpan.FromSeconds(30), "survivors to take over");
        await ProduceAsync(b, 600, 300);
        await Clients.WaitUntilAsync(() => received.Distinct().Count() == 900, TimeSpan.FromSeconds(30), "records after the leave");
        foreach (var m in members.Skip(1)) m.Leave();
        foreach (var m in members) m.Dispose();

        // Everyone restarts: consumption resumes at the committed offsets (nothing re-read, nothing skipped).
        await ProduceAsync(b, 900, 60);
        var afterRestart = new ConcurrentBag<int>();
        using (var again = new Member(b, "shared", afterRestart))
        {
            await Clients.WaitUntilAsync(() => afterRestart.Count >= 60, TimeSpan.FromSeconds(30), "records after restart");
            await Task.Delay(1000);
            again.Leave();
        }
        Assert.Equal(Enumerable.Range(900, 60), afterRestart.Order());

        // And again across a broker restart: offsets come back from __consumer_offsets.
        await broker.RestartAsync();
        await ProduceAsync(broker.BootstrapServers, 960, 30);
        var afterBrokerRestart = new ConcurrentBag<int>();
        using (var again = new Member(broker.BootstrapServers, "shared", afterBrokerRestart))
        {
            await Clients.WaitUntilAsync(() => afterBrokerRestart.Count >= 30, TimeSpan.FromSeconds(30), "records after broker restart");
            await Task.Delay(1000);
            again.Leave();
        }
        Assert.Equal(Enumerable.Range(960, 30), afterBrokerRestart.Order());
    }

    [Fact]
    public async Task GroupRecoversFromACrashedMemberBySessionTimeout()
    {
        await using var broker = await TestBroker.StartAsync();
        string b = broker.BootstrapServers;
        await Clients.CreateTopicAsync(b, Topic, 6);
        var received = new ConcurrentBag<int>();
        using var survivor = new Member(b, "crashy", received);
        var crashing = new Member(b, "crashy", received);
        await Clients.WaitUntilAsync(() => survivor.Assigned.Count == 3 && crashing.Assigned.Count == 3, TimeSpan.FromSeconds(30), "an even split");

        crashing.Stop(); // stops polling and heartbeating without leaving: to the coordinator it has crashed
        crashing.Consumer.Dispose(); // librdkafka would send LeaveGroup on close; dispose after stop only closes sockets
        await ProduceAsync(b, 0, 120);
        await Clients.WaitUntilAsync(() => survivor.Assigned.Count == 6, TimeSpan.FromSeconds(40), "the session timeout to hand over all partitions");
        await Clients.WaitUntilAsync(() => received.Distinct().Count() == 120, TimeSpan.FromSeconds(30), "every record under load");
    }

    [Fact]
    public async Task SlowMemberRebalancesUnderLoadWithoutLosingRecords()
    {
        await using var broker = await TestBroker.StartAsync();
        string b = broker.BootstrapServers;
        await Clients.CreateTopicAsync(b, Topic, 6);
        var received = new ConcurrentBag<int>();
        using var fast = new Member(b, "loaded", received);
        using var slow = new Member(b, "loaded", received, c => c.MaxPollIntervalMs = 10_000, delayMs: 20);
        var producing = Task.Run(async () => { for (int i = 0; i < 10; i++) { await ProduceAsync(b, i * 100, 100); await Task.Delay(200); } });
        await Task.Delay(1000);
        using var late = new Member(b, "loaded", received); // joins while records flow and one member is slow
        await producing;
        await Clients.WaitUntilAsync(() => received.Distinct().Count() == 1000, TimeSpan.FromSeconds(60), "all 1000 records");
        await Clients.WaitUntilAsync(() => fast.Assigned.Count + slow.Assigned.Count + late.Assigned.Count == 6, TimeSpan.FromSeconds(30), "a settled assignment");
    }
}
