using ControlCenter.Broker.Groups;
using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// OffsetFetch v0–9, served from its definition. v2+ accepts a null topic list meaning "every
/// partition the group committed"; v6+ is flexible; v8+ asks for several groups at once; v9 adds
/// the member id and epoch of a consumer-protocol member (KIP-848), checked like a commit's.
/// Partitions nobody committed answer offset -1 with no error, as in Kafka.
/// </summary>
internal sealed class OffsetFetchApi : DefinedApi
{
    public override ApiKey Key => ApiKey.OffsetFetch;

    private static Field TopicsRequested(string versions) =>
        Array("Topics", versions, String("Name"), ArrayOf(FieldKind.Int32, "PartitionIndexes"));

    public override MessageSpec Request { get; } = Message("OffsetFetchRequest", "0-9", "6+",
        String("GroupId", "0-7"),
        TopicsRequested("0-7").NullableIn("2-7"),
        Array("Groups", "8+",
            String("GroupId"),
            String("MemberId", "9+").NullableIn("9+"),
            Int32("MemberEpoch", "9+").WithDefault(-1),
            TopicsRequested("8+").NullableIn("8+")),
        Bool("RequireStable", "7+"));

    private static Field TopicsAnswered(string versions) =>
        Array("Topics", versions,
            String("Name"),
            Array("Partitions", "0+",
                Int32("PartitionIndex"),
                Int64("CommittedOffset"),
                Int32("CommittedLeaderEpoch", "5+").WithDefault(-1),
                String("Metadata").NullableIn("0+"),
                Int16("ErrorCode")));

    public override MessageSpec Response { get; } = Message("OffsetFetchResponse", "0-9", "6+",
        Int32("ThrottleTimeMs", "3+"),
        TopicsAnswered("0-7"),
        Int16("ErrorCode", "2-7"),
        Array("Groups", "8+", String("GroupId"), TopicsAnswered("8+"), Int16("ErrorCode")));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        bool requireStable = context.Version >= 7 && request.Bool("RequireStable");
        if (context.Version < 8)
        {
            var topics = request.Structs("Topics");
            if (topics is null && context.Version < 2) throw new LogFormat.ProtocolException("OffsetFetch below v2 needs a topic list");
            var (error, answered) = Fetch(context, request.String("GroupId") ?? "", null, -1, topics, requireStable);
            return ValueTask.FromResult(new StructValue { ["Topics"] = answered, ["ErrorCode"] = (short)error });
        }
        var groups = (request.Structs("Groups") ?? []).Select(g =>
        {
            string groupId = g.String("GroupId") ?? "";
            var (error, answered) = Fetch(context, groupId, g.String("MemberId"), g.Int32("MemberEpoch"), g.Structs("Topics"), requireStable);
            return new StructValue { ["GroupId"] = groupId, ["Topics"] = answered, ["ErrorCode"] = (short)error };
        });
        return ValueTask.FromResult(new StructValue { ["Groups"] = StructValue.List(groups) });
    }

    /// <remarks>
    /// With <paramref name="requireStable"/> (read_committed consumers), a partition whose offset an
    /// open transaction is about to change answers UNSTABLE_OFFSET_COMMIT, and the client asks again.
    /// </remarks>
    private static (ErrorCode Error, List<object?> Topics) Fetch(RequestContext context, string groupId, string? memberId, int memberEpoch, IReadOnlyList<StructValue>? topics, bool requireStable)
    {
        var coordinator = context.Broker.Groups;
        var requested = topics?.Select(t => (t.String("Name") ?? "", (t.Array<int>("PartitionIndexes") ?? []).ToList())).ToList();
        var error = coordinator.ValidateOffsetFetch(groupId, memberId, memberEpoch);
        if (error != ErrorCode.None)
        {
            // The group's error, repeated on every partition asked for (v0–1 have only those).
            var refused = StructValue.List((requested ?? []).Select(t => new StructValue
            {
                ["Name"] = t.Item1,
                ["Partitions"] = StructValue.List(t.Item2.Select(p => new StructValue
                    { ["PartitionIndex"] = p, ["CommittedOffset"] = -1L, ["Metadata"] = "", ["ErrorCode"] = (short)error })),
            }));
            return (error, refused);
        }
        var result = coordinator.FetchOffsets(groupId, requested);
        return (ErrorCode.None, StructValue.List(result.Select(t => new StructValue
        {
            ["Name"] = t.Topic,
            ["Partitions"] = StructValue.List(t.Partitions.Select(p => requireStable && coordinator.HasPendingTransactionalOffset(groupId, t.Topic, p.Partition)
                ? new StructValue { ["PartitionIndex"] = p.Partition, ["CommittedOffset"] = -1L, ["Metadata"] = "", ["ErrorCode"] = (short)ErrorCode.UnstableOffsetCommit }
                : new StructValue
                {
                    ["PartitionIndex"] = p.Partition, ["CommittedOffset"] = p.Offset?.Offset ?? -1L,
                    ["CommittedLeaderEpoch"] = p.Offset?.LeaderEpoch ?? -1, ["Metadata"] = p.Offset?.Metadata ?? "",
                })),
        })));
    }
}
