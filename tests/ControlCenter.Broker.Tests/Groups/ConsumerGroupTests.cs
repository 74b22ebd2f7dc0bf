using ControlCenter.Kafka.Cluster;
using System.Collections.Concurrent;
using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;

namespace ControlCenter.Broker.Tests.Groups;

/// <summary>Real Confluent.Kafka consumers in classic groups against the coordinator.</summary>
public class ConsumerGroupTests
{
    private const string Topic = ConsumingMember.Topic;

    private static async Task ProduceAsync(string bootstrap, int from, int count)
    {
        using var producer = Clients.Producer(bootstrap);
        for (int i = from; i < from + count; i++)
            producer.Produce(new TopicPartition(Topic, i % 6), new Message<byte[]?, byte[]?> { Key = BitConverter.GetBytes(i), Value = BitConverter.GetBytes(i) });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        await Task.CompletedTask;
    }

    private static ConsumingMember Member(string bootstrap, string group, ConcurrentBag<int> received, Action<ConsumerConfig>? configure = null, int delayMs = 0) =>
        new(bootstrap, group, received, GroupProtocol.Classic, configure, delayMs);

    [Fact]
    public async Task MembersShareLeaveTakeOverAndResumeFromCommittedOffsets()
    {
        await using var broker = await TestBroker.StartAsync();
        string b = broker.BootstrapServers;
        await Clients.CreateTopicAsync(b, Topic, 6);
        await ProduceAsync(b, 0, 600);
        var received = new ConcurrentBag<int>();

        var members = Enumerable.Range(0, 3).Select(_ => Member(b, "shared", received)).ToList();
        await Wait.UntilAsync(() => members.All(m => m.Assigned.Count == 2), "2 partitions each", cancellation: TestContext.Current.CancellationToken);
        Assert.Equal(6, members.SelectMany(m => m.Assigned).Distinct().Count());
        await Wait.UntilAsync(() => received.Distinct().Count() == 600, "the first 600 records", cancellation: TestContext.Current.CancellationToken);

        members[0].Leave();
        await Wait.UntilAsync(() => members.Skip(1).All(m => m.Assigned.Count == 3), "survivors to take over", cancellation: TestContext.Current.CancellationToken);
        await ProduceAsync(b, 600, 300);
        await Wait.UntilAsync(() => received.Distinct().Count() == 900, "records after the leave", cancellation: TestContext.Current.CancellationToken);
        foreach (var m in members.Skip(1)) m.Leave();
        foreach (var m in members) m.Dispose();

        // Everyone restarts: consumption resumes at the committed offsets (nothing re-read, nothing skipped).
        await ProduceAsync(b, 900, 60);
        var afterRestart = new ConcurrentBag<int>();
        using (var again = Member(b, "shared", afterRestart))
        {
            await Wait.UntilAsync(() => afterRestart.Count >= 60, "records after restart", cancellation: TestContext.Current.CancellationToken);
            again.Leave(); // a re-read would have come first: partitions are read in offset order
        }
        Assert.Equal(Enumerable.Range(900, 60), afterRestart.Order());

        // And again across a broker restart: offsets come back from __consumer_offsets.
        await broker.RestartAsync();
        await ProduceAsync(broker.BootstrapServers, 960, 30);
        var afterBrokerRestart = new ConcurrentBag<int>();
        using (var again = Member(broker.BootstrapServers, "shared", afterBrokerRestart))
        {
            await Wait.UntilAsync(() => afterBrokerRestart.Count >= 30, "records after broker restart", cancellation: TestContext.Current.CancellationToken);
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
        using var survivor = Member(b, "crashy", received);
        var crashing = Member(b, "crashy", received);
        await Wait.UntilAsync(() => survivor.Assigned.Count == 3 && crashing.Assigned.Count == 3, "an even split", cancellation: TestContext.Current.CancellationToken);

        crashing.Stop(); // stops polling and heartbeating without leaving: to the coordinator it has crashed
        crashing.Consumer.Dispose(); // librdkafka would send LeaveGroup on close; dispose after stop only closes sockets
        await ProduceAsync(b, 0, 120);
        await Wait.UntilAsync(() => survivor.Assigned.Count == 6, "the session timeout to hand over all partitions", cancellation: TestContext.Current.CancellationToken);
        await Wait.UntilAsync(() => received.Distinct().Count() == 120, "every record under load", cancellation: TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task ASilentMemberIsRemovedWhenItsSessionRunsOutOnTheBrokersClock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var broker = await TestBroker.StartAsync(new() { ["group.initial.rebalance.delay.ms"] = "0" }, time: clock);
        string b = broker.BootstrapServers;
        await Clients.CreateTopicAsync(b, Topic, 6);
        var silent = Member(b, "sessions", []); // session.timeout.ms = 6000
        await Wait.UntilAsync(() => silent.Assigned.Count == 6, "the member to get every partition", cancellation: TestContext.Current.CancellationToken);
        silent.Stop();
        silent.Consumer.Dispose(); // no LeaveGroup: to the coordinator it has crashed
        using var admin = Clients.Admin(b);
        async Task<int> MembersAsync() => (await admin.DescribeConsumerGroupsAsync(["sessions"]).OffPollThread()).ConsumerGroupDescriptions[0].Members.Count;

        // The coordinator's tick runs on the broker's clock: it fires as the test moves time.
        clock.Advance(TimeSpan.FromMilliseconds(5900));
        Assert.Equal(1, await MembersAsync());
        // A heartbeat the client sent just before it was closed can still reach the coordinator on a loaded machine, after
        // the first advance: the session then starts again from that (fake) time. So time moves on in 200 ms steps until
        // the member is gone, never more than one more session in total: it must go, and only on the broker's clock.
        for (int step = 0; step < 35 && await MembersAsync() > 0; step++) clock.Advance(TimeSpan.FromMilliseconds(200));
        await Wait.UntilAsync(async () => await MembersAsync() == 0, "the silent member to be removed", cancellation: TestContext.Current.CancellationToken);
        Assert.Equal(ConsumerGroupState.Empty, (await admin.DescribeConsumerGroupsAsync(["sessions"]).OffPollThread()).ConsumerGroupDescriptions[0].State);
    }

    [Fact]
    public async Task SlowMemberRebalancesUnderLoadWithoutLosingRecords()
    {
        await using var broker = await TestBroker.StartAsync();
        string b = broker.BootstrapServers;
        await Clients.CreateTopicAsync(b, Topic, 6);
        var received = new ConcurrentBag<int>();
        using var fast = Member(b, "loaded", received);
        using var slow = Member(b, "loaded", received, c => c.MaxPollIntervalMs = 10_000, delayMs: 20);
        // Records keep flowing, a round at a time, never more than two rounds ahead of the consumers.
        var producing = Task.Run(async () =>
        {
            for (int i = 0; i < 10; i++)
            {
                await Wait.UntilAsync(() => received.Distinct().Count() >= (i - 2) * 100, "the group to keep up");
                await ProduceAsync(b, i * 100, 100);
            }
        }, TestContext.Current.CancellationToken);
        await Wait.UntilAsync(() => received.Distinct().Count() >= 100, "the first records consumed", cancellation: TestContext.Current.CancellationToken);
        using var late = Member(b, "loaded", received); // joins while records flow and one member is slow
        await producing;
        await Wait.UntilAsync(() => received.Distinct().Count() == 1000, "all 1000 records", cancellation: TestContext.Current.CancellationToken);
        await Wait.UntilAsync(() => fast.Assigned.Count + slow.Assigned.Count + late.Assigned.Count == 6, "a settled assignment", cancellation: TestContext.Current.CancellationToken);
    }
}
