using ControlCenter.Kafka.Cluster;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Time.Testing;

namespace ControlCenter.Broker.Tests.Groups;

/// <summary>Confluent.Kafka's group admin calls, including every refusal.</summary>
public class GroupAdminTests : IAsyncLifetime
{
    private TestBroker _broker = null!;
    private IAdminClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _broker = await TestBroker.StartAsync();
        _admin = Clients.Admin(_broker.BootstrapServers);
        await Clients.CreateTopicAsync(_broker.BootstrapServers, "events", 3);
        using var producer = Clients.Producer(_broker.BootstrapServers);
        for (int i = 0; i < 30; i++) producer.Produce(new TopicPartition("events", i % 3), new Message<byte[]?, byte[]?> { Value = [(byte)i] });
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _broker.DisposeAsync();
    }

    private IConsumer<byte[]?, byte[]?> ActiveMember(string group)
    {
        var consumer = Clients.Consumer(_broker.BootstrapServers, group, c => c.ClientId = "member-client");
        consumer.Subscribe("events");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (consumer.Assignment.Count == 0 && DateTime.UtcNow < deadline) consumer.Consume(TimeSpan.FromMilliseconds(100));
        Assert.Equal(3, consumer.Assignment.Count);
        return consumer;
    }

    [Fact]
    public async Task ListAndDescribeShowMembersClientsAndAssignments()
    {
        using var member = ActiveMember("described");
        var listed = await _admin.ListConsumerGroupsAsync().OffPollThread();
        Assert.Contains(listed.Valid, g => g.GroupId == "described" && !g.IsSimpleConsumerGroup);

        var description = (await _admin.DescribeConsumerGroupsAsync(["described"]).OffPollThread()).ConsumerGroupDescriptions.Single();
        Assert.Equal(ConsumerGroupState.Stable, description.State);
        Assert.Equal("range", description.PartitionAssignor);
        var m = Assert.Single(description.Members);
        Assert.Equal("member-client", m.ClientId);
        Assert.StartsWith("/127.0.0.1", m.Host);
        Assert.Equal([0, 1, 2], m.Assignment.TopicPartitions.Select(tp => tp.Partition.Value).Order());
        Assert.Equal(1, description.Coordinator.Id);
        member.Close();
    }

    [Fact]
    public async Task DescribingAnUnknownGroupReportsItDead()
    {
        var description = (await _admin.DescribeConsumerGroupsAsync(["nobody"]).OffPollThread()).ConsumerGroupDescriptions.Single();
        Assert.Equal(ConsumerGroupState.Dead, description.State);
        Assert.Empty(description.Members);
    }

    [Fact]
    public async Task OffsetsCanBeListedAlteredAndDeletedOnlyWhenTheGroupIsEmpty()
    {
        using (var member = ActiveMember("offsets"))
        {
            member.Commit([new TopicPartitionOffset("events", 0, 4), new TopicPartitionOffset("events", 1, 7)]);
            var listed = await _admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions("offsets", null)]).OffPollThread();
            Assert.Equal([(0, 4L), (1, 7L)], listed[0].Partitions.Where(p => p.Offset.Value >= 0).Select(p => (p.Partition.Value, p.Offset.Value)).OrderBy(p => p.Item1));

            // While a member is active: altering offsets and deleting the group are refused, and change nothing.
            var alter = await Assert.ThrowsAsync<AlterConsumerGroupOffsetsException>(() => _admin.AlterConsumerGroupOffsetsAsync(
                [new ConsumerGroupTopicPartitionOffsets("offsets", [new TopicPartitionOffset("events", 0, 1)])])).OffPollThread();
            Assert.Equal(ErrorCode.UnknownMemberId, alter.Results[0].Partitions[0].Error.Code);
            var delete = await Assert.ThrowsAsync<DeleteGroupsException>(() => _admin.DeleteGroupsAsync(["offsets"])).OffPollThread();
            Assert.Equal(ErrorCode.NonEmptyGroup, delete.Results[0].Error.Code);
            var deleteOffsets = await Assert.ThrowsAsync<DeleteConsumerGroupOffsetsException>(() =>
                _admin.DeleteConsumerGroupOffsetsAsync("offsets", [new TopicPartition("events", 0)])).OffPollThread();
            Assert.Equal(ErrorCode.GroupSubscribedToTopic, deleteOffsets.Result.Partitions[0].Error.Code);
            var unchanged = await _admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions("offsets", [new TopicPartition("events", 0)])]).OffPollThread();
            Assert.Equal(4, unchanged[0].Partitions[0].Offset.Value);
            member.Close();
        }

        await Wait.UntilAsync(async () => (await _admin.DescribeConsumerGroupsAsync(["offsets"]).OffPollThread()).ConsumerGroupDescriptions[0].State == ConsumerGroupState.Empty, "the group to be empty", cancellation: TestContext.Current.CancellationToken);
        await _admin.AlterConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitionOffsets("offsets", [new TopicPartitionOffset("events", 0, 1), new TopicPartitionOffset("events", 2, 9)])]).OffPollThread();
        var altered = await _admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions("offsets", null)]).OffPollThread();
        Assert.Equal([(0, 1L), (1, 7L), (2, 9L)], altered[0].Partitions.Select(p => (p.Partition.Value, p.Offset.Value)).OrderBy(p => p.Item1));

        await _admin.DeleteConsumerGroupOffsetsAsync("offsets", [new TopicPartition("events", 1)]).OffPollThread();
        var afterDelete = await _admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions("offsets", [new TopicPartition("events", 1)])]).OffPollThread();
        Assert.Equal(Offset.Unset, afterDelete[0].Partitions[0].Offset);

        await _admin.DeleteGroupsAsync(["offsets"]).OffPollThread();
        Assert.DoesNotContain((await _admin.ListConsumerGroupsAsync().OffPollThread()).Valid, g => g.GroupId == "offsets");
        var missing = await Assert.ThrowsAsync<DeleteGroupsException>(() => _admin.DeleteGroupsAsync(["offsets"])).OffPollThread();
        Assert.Equal(ErrorCode.GroupIdNotFound, missing.Results[0].Error.Code);
    }

    [Fact]
    public async Task SimpleConsumerGroupsWithOnlyOffsetsAreListed()
    {
        await _admin.AlterConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitionOffsets("simple", [new TopicPartitionOffset("events", 2, 5)])]).OffPollThread();
        var listed = await _admin.ListConsumerGroupsAsync().OffPollThread();
        Assert.Contains(listed.Valid, g => g.GroupId == "simple" && g.IsSimpleConsumerGroup && g.State == ConsumerGroupState.Empty);
        var offsets = await _admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions("simple", [new TopicPartition("events", 2)])]).OffPollThread();
        Assert.Equal(5, offsets[0].Partitions[0].Offset.Value);
    }

    [Fact]
    public async Task GroupsAreListedAsClassicAndTheTypeFilterSelectsThem()
    {
        using var member = ActiveMember("typed");
        await _admin.AlterConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitionOffsets("typed-simple", [new TopicPartitionOffset("events", 0, 1)])]).OffPollThread();

        // ListGroups v5 (flexible): every group carries its type, and the type filter is applied by the broker.
        var all = (await _admin.ListConsumerGroupsAsync().OffPollThread()).Valid;
        Assert.Equal(ConsumerGroupType.Classic, all.Single(g => g.GroupId == "typed").Type);
        Assert.Equal(ConsumerGroupType.Classic, all.Single(g => g.GroupId == "typed-simple").Type);
        var classic = (await _admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { MatchTypes = [ConsumerGroupType.Classic] }).OffPollThread()).Valid;
        Assert.Contains(classic, g => g.GroupId == "typed");
        Assert.Empty((await _admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { MatchTypes = [ConsumerGroupType.Consumer] }).OffPollThread()).Valid);
        var stable = (await _admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { MatchStates = [ConsumerGroupState.Stable], MatchTypes = [ConsumerGroupType.Classic] }).OffPollThread()).Valid;
        Assert.Contains(stable, g => g.GroupId == "typed");
        Assert.DoesNotContain(stable, g => g.GroupId == "typed-simple"); // empty, not stable
        member.Close();
    }

    [Fact]
    public async Task OffsetsTopicIsInternalAndCompacted()
    {
        using (var member = ActiveMember("internal")) member.Close();
        var metadata = _admin.GetMetadata("__consumer_offsets", TimeSpan.FromSeconds(5)).Topics.Single();
        Assert.Equal(50, metadata.Partitions.Count);
        var configs = await _admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = "__consumer_offsets" }]).OffPollThread();
        Assert.Equal("compact", configs[0].Entries["cleanup.policy"].Value);
        var delete = await Assert.ThrowsAsync<DeleteTopicsException>(() => _admin.DeleteTopicsAsync(["__consumer_offsets"])).OffPollThread();
        Assert.Equal(ErrorCode.TopicAuthorizationFailed, delete.Results[0].Error.Code);
    }

    [Fact]
    public async Task OffsetsOfAnEmptyGroupExpireAfterOffsetsRetentionMinutesOnTheBrokersClock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var broker = await TestBroker.StartAsync(new() { ["offsets.retention.minutes"] = "60" }, time: clock);
        await Clients.CreateTopicAsync(broker.BootstrapServers, "kept", 1);
        using var admin = Clients.Admin(broker.BootstrapServers);
        await admin.AlterConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitionOffsets("forgetful", [new TopicPartitionOffset("kept", 0, 0)])]).OffPollThread();
        async Task<int> CommittedAsync() => (await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions("forgetful", null)]).OffPollThread())[0]
            .Partitions.Count(p => p.Offset.Value >= 0);
        Assert.Equal(1, await CommittedAsync());

        clock.Advance(TimeSpan.FromMinutes(59));
        broker.Broker.ExpireGroupOffsetsNow();
        Assert.Equal(1, await CommittedAsync());
        clock.Advance(TimeSpan.FromMinutes(2)); // the checkpoint pass, on the broker's clock, expires them
        await Wait.UntilAsync(async () => await CommittedAsync() == 0, "the offsets to expire", cancellation: TestContext.Current.CancellationToken);
        Assert.DoesNotContain((await admin.ListConsumerGroupsAsync().OffPollThread()).Valid, g => g.GroupId == "forgetful");
    }
}
