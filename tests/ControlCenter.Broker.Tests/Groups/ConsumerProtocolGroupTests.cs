using System.Collections.Concurrent;
using Confluent.Kafka;
using ControlCenter.Kafka.Cluster;

namespace ControlCenter.Broker.Tests.Groups;

/// <summary>Real Confluent.Kafka consumers with group.protocol=consumer (KIP-848) against the coordinator.</summary>
public class ConsumerProtocolGroupTests
{
    private const string Topic = ConsumingMember.Topic;

    /// <summary>Short broker-side session and heartbeat interval: under the consumer protocol the broker owns both.</summary>
    private static readonly Dictionary<string, string> FastGroups = new()
    {
        ["group.consumer.session.timeout.ms"] = "6000",
        ["group.consumer.heartbeat.interval.ms"] = "250",
    };

    private static void Produce(string bootstrap, int from, int count)
    {
        using var producer = Clients.Producer(bootstrap);
        for (int i = from; i < from + count; i++)
            producer.Produce(new TopicPartition(Topic, i % 6), new Message<byte[]?, byte[]?> { Key = BitConverter.GetBytes(i), Value = BitConverter.GetBytes(i) });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    private static ConsumingMember Member(string bootstrap, string group, ConcurrentBag<int> received, Action<ConsumerConfig>? configure = null, int delayMs = 0) =>
        new(bootstrap, group, received, GroupProtocol.Consumer, configure, delayMs);

    [Fact]
    public async Task OneMemberReadsEverythingAndTheGroupIsAConsumerGroup()
    {
        await using var broker = await TestBroker.StartAsync(FastGroups);
        string b = broker.BootstrapServers;
        await Clients.CreateTopicAsync(b, Topic, 6);
        Produce(b, 0, 60);
        var received = new ConcurrentBag<int>();
        using var member = Member(b, "kip848", received);
        await Wait.UntilAsync(() => received.Distinct().Count() == 60, "every record", cancellation: TestContext.Current.CancellationToken);
        Assert.Equal(6, member.Assigned.Count);

        using var admin = Clients.Admin(b);
        var listed = (await admin.ListConsumerGroupsAsync().OffPollThread()).Valid.Single(g => g.GroupId == "kip848");
        Assert.Equal(ConsumerGroupType.Consumer, listed.Type);
        var described = (await admin.DescribeConsumerGroupsAsync(["kip848"]).OffPollThread()).ConsumerGroupDescriptions.Single();
        Assert.Equal("uniform", described.PartitionAssignor);
        Assert.Equal(6, Assert.Single(described.Members).Assignment.TopicPartitions.Count);
        member.Leave();
    }

    [Fact]
    public async Task ThreeMembersShareTheWorkThenOneLeavesOneCrashesAndOffsetsResume()
    {
        await using var broker = await TestBroker.StartAsync(FastGroups);
        string b = broker.BootstrapServers;
        await Clients.CreateTopicAsync(b, Topic, 6);
        var received = new ConcurrentBag<int>();
        using var first = Member(b, "trio", received);
        using var second = Member(b, "trio", received);
        var leaving = Member(b, "trio", received);
        await Wait.UntilAsync(() => first.Assigned.Count == 2 && second.Assigned.Count == 2 && leaving.Assigned.Count == 2, "two partitions each",
            cancellation: TestContext.Current.CancellationToken);
        Assert.Equal(6, first.Assigned.Concat(second.Assigned).Concat(leaving.Assigned).Distinct().Count());
        Produce(b, 0, 120);
        await Wait.UntilAsync(() => received.Distinct().Count() == 120, "the first 120 records", cancellation: TestContext.Current.CancellationToken);

        leaving.Leave(); // a clean leave (epoch -1): its partitions move at once
        leaving.Dispose();
        await Wait.UntilAsync(() => first.Assigned.Count == 3 && second.Assigned.Count == 3, "three partitions each after the leave",
            cancellation: TestContext.Current.CancellationToken);

        second.Stop();
        second.Consumer.Dispose(); // no leave heartbeat: to the coordinator it has crashed
        Produce(b, 120, 120);
        await Wait.UntilAsync(() => first.Assigned.Count == 6, "the session timeout to hand every partition to the survivor",
            cancellation: TestContext.Current.CancellationToken);
        await Wait.UntilAsync(() => received.Distinct().Count() == 240, "every record under load", cancellation: TestContext.Current.CancellationToken);
        first.Leave();

        // Offsets were committed with member epochs: a new member resumes exactly after them.
        Produce(b, 240, 30);
        var resumed = new ConcurrentBag<int>();
        using (var again = Member(b, "trio", resumed))
        {
            await Wait.UntilAsync(() => resumed.Count >= 30, "the new records", cancellation: TestContext.Current.CancellationToken);
            again.Leave();
        }
        Assert.Equal(Enumerable.Range(240, 30), resumed.Order());
    }

    [Fact]
    public async Task ClassicAndConsumerGroupsReadSideBySideAndAnEmptiedClassicGroupMovesToTheConsumerProtocol()
    {
        await using var broker = await TestBroker.StartAsync(FastGroups);
        string b = broker.BootstrapServers;
        await Clients.CreateTopicAsync(b, Topic, 6);
        Produce(b, 0, 60);
        var classic = new ConcurrentBag<int>();
        var modern = new ConcurrentBag<int>();
        using (var old = new ConsumingMember(b, "side-by-side-classic", classic, GroupProtocol.Classic))
        using (var @new = Member(b, "side-by-side-consumer", modern))
        {
            await Wait.UntilAsync(() => classic.Distinct().Count() == 60 && modern.Distinct().Count() == 60, "both groups to read everything",
                cancellation: TestContext.Current.CancellationToken);
            using var admin = Clients.Admin(b);
            var types = (await admin.ListConsumerGroupsAsync().OffPollThread()).Valid.ToDictionary(g => g.GroupId, g => g.Type);
            Assert.Equal(ConsumerGroupType.Classic, types["side-by-side-classic"]);
            Assert.Equal(ConsumerGroupType.Consumer, types["side-by-side-consumer"]);
            old.Leave();
            @new.Leave();
        }

        // The classic group's members have all left: a consumer-protocol member takes the group over and resumes from its offsets.
        Produce(b, 60, 12);
        var upgraded = new ConcurrentBag<int>();
        using (var member = Member(b, "side-by-side-classic", upgraded))
        {
            await Wait.UntilAsync(() => upgraded.Count >= 12, "the records after the classic group's offsets", cancellation: TestContext.Current.CancellationToken);
            using var admin = Clients.Admin(b);
            var listed = (await admin.ListConsumerGroupsAsync().OffPollThread()).Valid.Single(g => g.GroupId == "side-by-side-classic");
            Assert.Equal(ConsumerGroupType.Consumer, listed.Type);
            member.Leave();
        }
        Assert.Equal(Enumerable.Range(60, 12), upgraded.Order());
    }

    [Fact]
    public async Task TheRangeAssignorLinesUpCoPartitionedTopics()
    {
        await using var broker = await TestBroker.StartAsync(FastGroups);
        string b = broker.BootstrapServers;
        await Clients.CreateTopicAsync(b, Topic, 6);
        await Clients.CreateTopicAsync(b, "payments", 6);
        void Subscribe(ConsumerConfig c) => c.GroupRemoteAssignor = "range";
        using var one = Member(b, "ranged", [], Subscribe);
        using var two = Member(b, "ranged", [], Subscribe);
        one.Consumer.Subscribe([Topic, "payments"]);
        two.Consumer.Subscribe([Topic, "payments"]);
        await Wait.UntilAsync(() => one.Assigned.Count == 6 && two.Assigned.Count == 6, "six partitions each", cancellation: TestContext.Current.CancellationToken);

        foreach (var member in new[] { one, two })
        {
            var orders = member.Assigned.Where(p => p.Topic == Topic).Select(p => p.Partition.Value).Order().ToList();
            var payments = member.Assigned.Where(p => p.Topic == "payments").Select(p => p.Partition.Value).Order().ToList();
            Assert.Equal(orders, payments); // co-partitioned: the same partition numbers of both topics
            Assert.Equal(3, orders.Count);
            Assert.Equal(orders[0] + 2, orders[2]); // a contiguous range
        }
        using var admin = Clients.Admin(b);
        Assert.Equal("range", (await admin.DescribeConsumerGroupsAsync(["ranged"]).OffPollThread()).ConsumerGroupDescriptions.Single().PartitionAssignor);
        one.Leave();
        two.Leave();
    }

    [Fact]
    public async Task AStaticMemberThatComesBackGetsItsPartitionsBackWithoutMovingAnyoneElse()
    {
        await using var broker = await TestBroker.StartAsync(FastGroups);
        string b = broker.BootstrapServers;
        await Clients.CreateTopicAsync(b, Topic, 6);
        using var steady = Member(b, "static", [], c => c.GroupInstanceId = "steady");
        var bouncing = Member(b, "static", [], c => c.GroupInstanceId = "bouncing");
        await Wait.UntilAsync(() => steady.Assigned.Count == 3 && bouncing.Assigned.Count == 3, "an even split", cancellation: TestContext.Current.CancellationToken);
        var steadyBefore = steady.Assigned.ToHashSet();
        var bouncingBefore = bouncing.Assigned.ToHashSet();

        bouncing.Leave(); // a static member closing leaves with epoch -2: its partitions wait for it
        bouncing.Dispose();
        using var admin = Clients.Admin(b);
        var members = (await admin.DescribeConsumerGroupsAsync(["static"]).OffPollThread()).ConsumerGroupDescriptions.Single().Members;
        Assert.Equal(2, members.Count);

        using var back = Member(b, "static", [], c => c.GroupInstanceId = "bouncing");
        await Wait.UntilAsync(() => back.Assigned.Count == 3, "the returning member's partitions", cancellation: TestContext.Current.CancellationToken);
        Assert.True(bouncingBefore.SetEquals(back.Assigned));
        Assert.True(steadyBefore.SetEquals(steady.Assigned));
        back.Leave();
        steady.Leave();
    }
}
