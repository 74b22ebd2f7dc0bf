using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Protocol.Messages;
using ErrorCode = ControlCenter.Broker.Protocol.ErrorCode;

namespace ControlCenter.Broker.Tests.Groups;

/// <summary>
/// The KIP-848 heartbeat step by step, on the wire: epochs, target vs current assignment, a
/// revocation that must be confirmed before another member may take the partitions, fencing and
/// the errors a client can meet.
/// </summary>
public class ConsumerGroupHeartbeatTests : IAsyncLifetime
{
    private TestBroker _broker = null!;
    private RawKafkaClient _client = null!;
    private Guid _topicId;

    public async ValueTask InitializeAsync()
    {
        _broker = await TestBroker.StartAsync();
        await Clients.CreateTopicAsync(_broker.BootstrapServers, "t", 4);
        _client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        var metadata = await _client.SendDefinedAsync(ApiKey.Metadata, 12, new() { ["Topics"] = StructValue.List([new StructValue { ["Name"] = "t" }]) });
        _topicId = metadata.Structs("Topics")!.Single().Uuid("TopicId");
        Assert.NotEqual(Guid.Empty, _topicId);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _broker.DisposeAsync();
    }

    private Task<StructValue> HeartbeatAsync(string member, int epoch, int[]? owned = null, bool join = false, string? assignor = null, string? regex = null) =>
        _client.SendDefinedAsync(ApiKey.ConsumerGroupHeartbeat, 1, new()
        {
            ["GroupId"] = "g", ["MemberId"] = member, ["MemberEpoch"] = epoch, ["RebalanceTimeoutMs"] = join ? 30_000 : -1,
            ["SubscribedTopicNames"] = join && regex is null ? StructValue.List(["t"]) : null, ["SubscribedTopicRegex"] = regex, ["ServerAssignor"] = assignor,
            ["TopicPartitions"] = join ? new List<object?>() : owned is null ? null
                : StructValue.List([new StructValue { ["TopicId"] = _topicId, ["Partitions"] = StructValue.List(owned) }]),
        });

    private static int[]? Assignment(StructValue response) =>
        response.Struct("Assignment") is { } a ? a.Structs("TopicPartitions")!.SelectMany(t => t.Array<int>("Partitions")!).Order().ToArray() : null;

    private async Task<StructValue> DescribeAsync() =>
        (await _client.SendDefinedAsync(ApiKey.ConsumerGroupDescribe, 1, new() { ["GroupIds"] = StructValue.List(["g"]) })).Structs("Groups")!.Single();

    private static (int Epoch, int[] Current, int[] Target) MemberOf(StructValue group, string member)
    {
        var m = group.Structs("Members")!.Single(x => x.String("MemberId") == member);
        int[] Parts(string name) => m.Struct(name)!.Structs("TopicPartitions")!.SelectMany(t => t.Array<int>("Partitions")!).Order().ToArray();
        return (m.Int32("MemberEpoch"), Parts("Assignment"), Parts("TargetAssignment"));
    }

    private static void AssertMember(StructValue group, string member, int epoch, int[] current, int[] target)
    {
        var (actualEpoch, actualCurrent, actualTarget) = MemberOf(group, member);
        Assert.Equal(epoch, actualEpoch);
        Assert.Equal(current, actualCurrent);
        Assert.Equal(target, actualTarget);
    }

    [Fact]
    public async Task APartitionMovesOnlyAfterItsOwnerConfirmsTheRevocation()
    {
        var a = await HeartbeatAsync("member-a", 0, join: true);
        Assert.Equal((short)0, a.Int16("ErrorCode"));
        Assert.Equal(("member-a", 1), (a.String("MemberId"), a.Int32("MemberEpoch")));
        Assert.Equal(new[] { 0, 1, 2, 3 }, Assignment(a));

        // B joins: the group epoch moves and the target splits, but A still holds everything, so B gets nothing yet.
        var b = await HeartbeatAsync("member-b", 0, join: true);
        Assert.Equal(2, b.Int32("MemberEpoch"));
        Assert.Equal(Array.Empty<int>(), Assignment(b));
        var group = await DescribeAsync();
        Assert.Equal(("Reconciling", 2, 2, "uniform"), (group.String("GroupState"), group.Int32("GroupEpoch"), group.Int32("AssignmentEpoch"), group.String("AssignorName")));
        var (aEpoch, aCurrent, aTarget) = MemberOf(group, "member-a");
        var (_, bCurrent, bTarget) = MemberOf(group, "member-b");
        Assert.Equal(1, aEpoch);
        Assert.Equal(new[] { 0, 1, 2, 3 }, aCurrent);
        Assert.Equal(2, aTarget.Length);
        Assert.Empty(bCurrent);
        Assert.Equal(2, bTarget.Length);
        Assert.Empty(aTarget.Intersect(bTarget));

        // A is told to give two back (its epoch stays until it confirms) ...
        a = await HeartbeatAsync("member-a", 1);
        Assert.Equal(1, a.Int32("MemberEpoch"));
        Assert.Equal(aTarget, Assignment(a));
        // ... and until it does, B still cannot have them.
        b = await HeartbeatAsync("member-b", 2);
        Assert.Null(Assignment(b));
        Assert.Empty(MemberOf(await DescribeAsync(), "member-b").Current);

        a = await HeartbeatAsync("member-a", 1, owned: aTarget);
        Assert.Equal(2, a.Int32("MemberEpoch"));
        b = await HeartbeatAsync("member-b", 2, owned: []);
        Assert.Equal(bTarget, Assignment(b));
        group = await DescribeAsync();
        Assert.Equal("Stable", group.String("GroupState"));
        AssertMember(group, "member-a", 2, aTarget, aTarget);
        AssertMember(group, "member-b", 2, bTarget, bTarget);

        // A leaves: B is given everything on its next heartbeat.
        Assert.Equal(-1, (await HeartbeatAsync("member-a", -1)).Int32("MemberEpoch"));
        b = await HeartbeatAsync("member-b", 2, owned: bTarget);
        Assert.Equal(3, b.Int32("MemberEpoch"));
        Assert.Equal(new[] { 0, 1, 2, 3 }, Assignment(b));
    }

    [Fact]
    public async Task WrongEpochsUnknownMembersAndBadSubscriptionsAreRefusedAndChangeNothing()
    {
        await HeartbeatAsync("member-a", 0, join: true);
        Assert.Equal((short)ErrorCode.FencedMemberEpoch, (await HeartbeatAsync("member-a", 7)).Int16("ErrorCode"));
        Assert.Equal((short)ErrorCode.UnknownMemberId, (await HeartbeatAsync("nobody", 1)).Int16("ErrorCode"));
        var unsupported = await HeartbeatAsync("member-c", 0, join: true, assignor: "sticky");
        Assert.Equal((short)ErrorCode.UnsupportedAssignor, unsupported.Int16("ErrorCode"));
        Assert.Contains("uniform", unsupported.String("ErrorMessage"));
        Assert.Equal((short)ErrorCode.InvalidRegularExpression, (await HeartbeatAsync("member-d", 0, join: true, regex: "t[")).Int16("ErrorCode"));

        var group = await DescribeAsync();
        Assert.Equal((1, "Stable"), (group.Int32("GroupEpoch"), group.String("GroupState")));
        AssertMember(group, "member-a", 1, [0, 1, 2, 3], [0, 1, 2, 3]);
        Assert.Single(group.Structs("Members")!);
    }

    [Fact]
    public async Task CommitsAndOffsetFetchesCarryTheMemberEpochAndAStaleOneIsRefused()
    {
        await HeartbeatAsync("member-a", 0, join: true);
        await HeartbeatAsync("member-b", 0, join: true); // the group moves to epoch 2; A is still at 1
        async Task<short> CommitAsync(string member, int epoch)
        {
            var response = await _client.SendDefinedAsync(ApiKey.OffsetCommit, 9, new()
            {
                ["GroupId"] = "g", ["GenerationIdOrMemberEpoch"] = epoch, ["MemberId"] = member,
                ["Topics"] = StructValue.List([new StructValue
                {
                    ["Name"] = "t",
                    ["Partitions"] = StructValue.List([new StructValue { ["PartitionIndex"] = 0, ["CommittedOffset"] = 5L, ["CommittedLeaderEpoch"] = -1 }]),
                }]),
            });
            return response.Structs("Topics")!.Single().Structs("Partitions")!.Single().Int16("ErrorCode");
        }
        async Task<(short Error, long Offset)> FetchAsync(string member, int epoch)
        {
            var group = (await _client.SendDefinedAsync(ApiKey.OffsetFetch, 9, new()
            {
                ["Groups"] = StructValue.List([new StructValue
                {
                    ["GroupId"] = "g", ["MemberId"] = member, ["MemberEpoch"] = epoch,
                    ["Topics"] = StructValue.List([new StructValue { ["Name"] = "t", ["PartitionIndexes"] = StructValue.List([0]) }]),
                }]),
            })).Structs("Groups")!.Single();
            return (group.Int16("ErrorCode"), group.Structs("Topics")!.Single().Structs("Partitions")!.Single().Int64("CommittedOffset"));
        }

        Assert.Equal((short)ErrorCode.StaleMemberEpoch, await CommitAsync("member-a", 2));
        Assert.Equal((short)ErrorCode.UnknownMemberId, await CommitAsync("nobody", 1));
        Assert.Equal((short)ErrorCode.UnknownMemberId, await CommitAsync("", -1)); // an admin commit waits until the group is empty
        Assert.Equal((short)0, await CommitAsync("member-a", 1));
        Assert.Equal(((short)0, 5L), await FetchAsync("member-a", 1));
        Assert.Equal((short)ErrorCode.StaleMemberEpoch, (await FetchAsync("member-a", 2)).Error);
        Assert.Equal(((short)0, 5L), await FetchAsync("", -1)); // an admin tool reads without naming a member

        // A classic member cannot join while consumer-protocol members are in: the group is one or the other.
        var join = await _client.SendDefinedRequestAsync(ApiKey.JoinGroup, 5, new()
        {
            ["GroupId"] = "g", ["SessionTimeoutMs"] = 10_000, ["RebalanceTimeoutMs"] = 10_000, ["MemberId"] = "", ["ProtocolType"] = "consumer",
            ["Protocols"] = StructValue.List([new StructValue { ["Name"] = "range", ["Metadata"] = new byte[] { 0, 0, 0, 0, 0, 0, 255, 255, 255, 255 } }]),
        });
        join.ReadInt32(); // throttle
        Assert.Equal((short)ErrorCode.InconsistentGroupProtocol, join.ReadInt16());
    }
}
