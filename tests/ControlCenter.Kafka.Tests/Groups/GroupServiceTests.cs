using Microsoft.Extensions.Time.Testing;
using Confluent.Kafka;
using ControlCenter.Kafka.Groups;

namespace ControlCenter.Kafka.Tests.Groups;

/// <summary>
/// Lag and resets against the embedded broker with real Confluent.Kafka consumers. Lag in time
/// is time under test: the app's clock is frozen, so the expected ages are exact.
/// </summary>
public class GroupServiceTests : ClusterTest
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
    protected override TimeProvider Time => _clock;
    private DateTime Now => _clock.GetUtcNow().UtcDateTime;
    private IGroupAdmin Groups => Host.Get<IGroupAdmin>();

    private async Task ProduceAsync(string topic, int partitions, int perPartition, Func<int, DateTime>? timestamp = null)
    {
        await Clients.CreateTopicAsync(Bootstrap, topic, partitions);
        using var producer = Clients.Producer(Bootstrap);
        for (int p = 0; p < partitions; p++)
            for (int i = 0; i < perPartition; i++)
            {
                var message = new Message<byte[]?, byte[]?> { Value = BitConverter.GetBytes(i) };
                if (timestamp is not null) message.Timestamp = new Timestamp(timestamp(i));
                producer.Produce(new TopicPartition(topic, p), message);
            }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    private void Commit(string group, params TopicPartitionOffset[] offsets)
    {
        using var consumer = Clients.Consumer(Bootstrap, group);
        consumer.Commit(offsets);
    }

    private async Task<GroupLag> LagAsync(string group, Func<GroupLag, bool> ready)
    {
        await WaitForRefreshedAsync(() => Cluster.GroupLags.TryGetValue(group, out var g) && ready(g), $"lag of {group}");
        return Cluster.GroupLags[group];
    }

    [Fact]
    public async Task LagIsProducedMinusCommittedAndTimeIsTheAgeOfTheFirstUnconsumedRecord()
    {
        var start = Now.AddMinutes(-30);
        await ProduceAsync("lagging", 2, 50, i => start.AddSeconds(i * 10)); // record i is 30 min − 10·i s old
        Commit("lag-group", new TopicPartitionOffset("lagging", 0, 20), new TopicPartitionOffset("lagging", 1, 50));

        var lag = await LagAsync("lag-group", g => g.Partitions.Count == 2 && g.Partitions.All(p => p.LagTime is not null));
        var p0 = lag.Partitions.Single(p => p.Partition == 0);
        var p1 = lag.Partitions.Single(p => p.Partition == 1);
        Assert.Equal((20L, 50L, 30L), (p0.Committed!.Value, p0.LogEndOffset, p0.LagRecords!.Value));
        Assert.Equal(0, p1.LagRecords);
        Assert.Equal(TimeSpan.Zero, p1.LagTime);
        Assert.Equal(Now - start.AddSeconds(20 * 10), p0.LagTime); // record at offset 20 is the first one not consumed
        Assert.Equal(30, lag.TotalLag);
        Assert.True(lag.Group.IsSimple);
        Assert.Equal("classic", lag.Group.Type); // what ListGroups v5 says of a group that only commits
    }

    [Fact]
    public async Task LagTimeFollowsTheCommittedOffsetAsItMoves()
    {
        var start = Now.AddMinutes(-30);
        await ProduceAsync("moving", 1, 50, i => start.AddSeconds(i * 10));
        foreach (long committed in new long[] { 10, 20, 30 })
        {
            // Each commit needs a fresh probe of the same partition (the probe consumer is reused).
            Commit("moving-group", new TopicPartitionOffset("moving", 0, committed));
            var lag = await LagAsync("moving-group", g => g.Partitions[0].Committed == committed && g.Partitions[0].LagTime is not null);
            Assert.Equal(Now - start.AddSeconds(committed * 10), lag.Partitions[0].LagTime);
        }
    }

    [Fact]
    public async Task LagIsNeverNegativeAndCompactedGapsAreSkipped()
    {
        await ProduceAsync("ahead", 1, 10);
        Commit("ahead-group", new TopicPartitionOffset("ahead", 0, 1000)); // committed past the end
        var lag = await LagAsync("ahead-group", g => g.Partitions.Count == 1);
        Assert.Equal(0, lag.Partitions[0].LagRecords);
        Assert.Equal(TimeSpan.Zero, lag.Partitions[0].LagTime);

        // A compacted topic with offset 1 cleaned away: lag counts offsets, time comes from the next record that exists.
        await Clients.CreateTopicAsync(Bootstrap, "compacted", 1, new() { ["cleanup.policy"] = "compact", ["min.cleanable.dirty.ratio"] = "0.01", ["internal.segment.bytes"] = "100" });
        var old = Now.AddHours(-2);
        using (var producer = Clients.Producer(Bootstrap))
            foreach (var (key, minutes) in new[] { ("a", 0), ("b", 10), ("a", 20), ("c", 30) })
                await producer.ProduceAsync("compacted", new Message<byte[]?, byte[]?> { Key = System.Text.Encoding.UTF8.GetBytes(key), Value = [1], Timestamp = new Timestamp(old.AddMinutes(minutes)) }, TestContext.Current.CancellationToken);
        Broker.Broker.RunCleanerNow(force: true);
        Commit("gap-group", new TopicPartitionOffset("compacted", 0, 0)); // offset 0 ("a", superseded) is gone
        var gapLag = await LagAsync("gap-group", g => g.Partitions.Count == 1 && g.Partitions[0].LagTime is not null);
        Assert.Equal(4, gapLag.Partitions[0].LagRecords);
        Assert.Equal(Now - old.AddMinutes(10), gapLag.Partitions[0].LagTime); // first record left is "b" at +10 min
    }

    [Theory]
    [InlineData(ResetStrategy.Earliest, 0, 0)]
    [InlineData(ResetStrategy.Latest, 0, 40)]
    [InlineData(ResetStrategy.ToOffset, 25, 25)]
    [InlineData(ResetStrategy.ToOffset, 999, 40)]
    [InlineData(ResetStrategy.ShiftBy, -5, 15)]
    [InlineData(ResetStrategy.ShiftBy, 100, 40)]
    public async Task ResetMovesOffsetsExactlyAsPreviewedAndConsumersResumeThere(ResetStrategy strategy, long value, long expected)
    {
        await ProduceAsync("resettable", 1, 40);
        string group = $"reset-{strategy}-{value}";
        Commit(group, new TopicPartitionOffset("resettable", 0, 20));
        await LagAsync(group, g => g.Partitions.Count == 1);

        var plan = await Groups.PlanResetAsync(new ResetRequest(group, ResetScope.Topic, strategy, "resettable", Offset: value, Shift: value));
        var row = Assert.Single(plan.Rows);
        Assert.Equal((20L, expected), (row.Current, row.New));
        Assert.Equal(expected > 20 ? expected - 20 : 0, row.Skipped);
        Assert.Equal(expected < 20 ? 20 - expected : 0, row.Replayed);
        Assert.True((await Groups.ApplyResetAsync(plan)).Applied);

        using var consumer = Clients.Consumer(Bootstrap, group, c => c.AutoOffsetReset = AutoOffsetReset.Error);
        consumer.Subscribe("resettable");
        if (expected < 40)
        {
            var first = consumer.Consume(TimeSpan.FromSeconds(20));
            Assert.Equal(expected, first!.Offset.Value);
        }
        Assert.Equal(expected, (await Host.Get<GroupReader>().CommittedAsync(group))[("resettable", 0)]);
        consumer.Close();
    }

    [Fact]
    public async Task ResetToATimestampUsesTheFirstRecordAtOrAfterIt()
    {
        var start = new DateTime(2026, 4, 1, 12, 0, 0, DateTimeKind.Utc);
        await ProduceAsync("timed", 1, 60, i => start.AddMinutes(i));
        Commit("time-group", new TopicPartitionOffset("timed", 0, 59));
        await LagAsync("time-group", g => g.Partitions.Count == 1);
        var plan = await Groups.PlanResetAsync(new ResetRequest("time-group", ResetScope.AllTopics, ResetStrategy.ToTimestamp, Timestamp: start.AddMinutes(42).AddSeconds(30)));
        Assert.Equal(43, Assert.Single(plan.Rows).New);
        Assert.Equal(16, plan.TotalReplayed);
    }

    [Fact]
    public async Task ResetAndDeleteAreRefusedWhileMembersAreActiveAndChangeNothing()
    {
        await ProduceAsync("busy", 2, 10);
        using var member = Clients.Consumer(Bootstrap, "busy-group", c => c.ClientId = "busy-client");
        member.Subscribe("busy");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (member.Assignment.Count < 2 && DateTime.UtcNow < deadline) member.Consume(TimeSpan.FromMilliseconds(100));
        member.Commit([new TopicPartitionOffset("busy", 0, 5), new TopicPartitionOffset("busy", 1, 5)]);
        await LagAsync("busy-group", g => g.Group.Members.Count == 1);

        var plan = await Groups.PlanResetAsync(new ResetRequest("busy-group", ResetScope.AllTopics, ResetStrategy.Earliest));
        var outcome = await Groups.ApplyResetAsync(plan);
        Assert.False(outcome.Applied);
        Assert.Contains("1 active member", outcome.Error);
        Assert.Equal("busy-client", Assert.Single(outcome.ActiveMembers).ClientId);

        var delete = await Groups.DeleteGroupAsync("busy-group");
        Assert.False(delete.Succeeded);
        Assert.Contains("busy-client", delete.Error);
        var deleteOffsets = await Groups.DeleteTopicOffsetsAsync("busy-group", "busy");
        Assert.False(deleteOffsets.Succeeded);
        Assert.Contains("still subscribed", deleteOffsets.Error);

        var committed = await Host.Get<GroupReader>().CommittedAsync("busy-group");
        Assert.Equal((5L, 5L), (committed[("busy", 0)], committed[("busy", 1)]));
        member.Close();
    }

    [Fact]
    public async Task EmptyGroupsCanLoseTopicOffsetsAndBeDeleted()
    {
        await ProduceAsync("one", 1, 5);
        await ProduceAsync("two", 1, 5);
        Commit("done-group", new TopicPartitionOffset("one", 0, 3), new TopicPartitionOffset("two", 0, 4));
        await LagAsync("done-group", g => g.Partitions.Count == 2);
        Assert.True((await Groups.DeleteTopicOffsetsAsync("done-group", "one")).Succeeded);
        Assert.Equal([("two", 0)], (await Host.Get<GroupReader>().CommittedAsync("done-group")).Keys);
        Assert.True((await Groups.DeleteGroupAsync("done-group")).Succeeded);
        await Cluster.RefreshAsync(Cancellation); // groups read after the delete
        Assert.False(Cluster.GroupLags.ContainsKey("done-group"));
    }

    [Fact]
    public async Task IdleMembersShowWhenThereAreMoreConsumersThanPartitions()
    {
        await ProduceAsync("narrow", 1, 5);
        var members = Enumerable.Range(0, 2).Select(i => Clients.Consumer(Bootstrap, "crowd", c => c.ClientId = $"c{i}")).ToList();
        foreach (var m in members) m.Subscribe("narrow");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (members.Sum(m => m.Assignment.Count) < 1 && DateTime.UtcNow < deadline)
            foreach (var m in members) m.Consume(TimeSpan.FromMilliseconds(50));
        var lag = await LagAsync("crowd", g => g.Group.Members.Count == 2 && g.Group.State == "Stable");
        Assert.Equal(1, lag.Group.Members.Count(m => m.IsIdle));
        Assert.Equal(1, lag.Group.Members.Count(m => !m.IsIdle));
        foreach (var m in members) { m.Close(); m.Dispose(); }
    }

    [Fact]
    public async Task ConsumerProtocolGroupsShowTheirTypeAndEachMembersTargetAssignment()
    {
        await ProduceAsync("modern", 4, 5);
        var members = Enumerable.Range(0, 2).Select(i => Clients.Consumer(Bootstrap, "kip848-group", c => { c.ClientId = $"m{i}"; c.GroupProtocol = GroupProtocol.Consumer; })).ToList();
        foreach (var m in members) m.Subscribe("modern");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (members.Any(m => m.Assignment.Count != 2) && DateTime.UtcNow < deadline)
            foreach (var m in members) m.Consume(TimeSpan.FromMilliseconds(50));

        var lag = await LagAsync("kip848-group", g => g.Group.Members.Count == 2 && g.Group.Members.All(m => m.Assignment.Count == 2 && !m.IsReconciling));
        Assert.Equal("consumer", lag.Group.Type);
        Assert.Equal("uniform", lag.Group.Assignor);
        foreach (var member in lag.Group.Members)
        {
            Assert.NotNull(member.TargetAssignment); // the cluster reports the target of a consumer-protocol member
            Assert.Equal(member.Assignment.Order(), member.TargetAssignment!.Order());
        }
        Assert.Equal(4, lag.Group.Members.SelectMany(m => m.Assignment).Distinct().Count());
        foreach (var m in members) { m.Close(); m.Dispose(); }
    }
}
