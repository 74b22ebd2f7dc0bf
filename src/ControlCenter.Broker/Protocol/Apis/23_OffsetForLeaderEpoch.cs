using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// OffsetForLeaderEpoch v0–4, served from its definition. A single broker has always led with
/// epoch 0, so epoch 0 ends at the log end offset and later epochs are unknown. A cluster's
/// leader answers from its leader epoch cache: where the requested epoch (or the largest one
/// below it) ended — what a follower truncates to after a leader change.
/// </summary>
internal sealed class OffsetForLeaderEpochApi : DefinedApi
{
    public override ApiKey Key => ApiKey.OffsetForLeaderEpoch;

    public override MessageSpec Request { get; } = Message("OffsetForLeaderEpochRequest", "0-4", "4+",
        Int32("ReplicaId", "3+").WithDefault(-2),
        Array("Topics", "0+",
            String("Topic"),
            Array("Partitions", "0+", Int32("Partition"), Int32("CurrentLeaderEpoch", "2+").WithDefault(-1), Int32("LeaderEpoch"))));

    public override MessageSpec Response { get; } = Message("OffsetForLeaderEpochResponse", "0-4", "4+",
        Int32("ThrottleTimeMs", "2+"),
        Array("Topics", "0+",
            String("Topic"),
            Array("Partitions", "0+",
                Int16("ErrorCode"),
                Int32("Partition"),
                Int32("LeaderEpoch", "1+").WithDefault(-1),
                Int64("EndOffset").WithDefault(-1L))));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var broker = context.Broker;
        int replicaId = request.Int32("ReplicaId");
        if (replicaId >= 0 && broker.Replicas is { } replicas && (replicas.Isolated || replicas.Controller.IsIsolated(replicaId)))
            throw new ControlCenter.LogFormat.ProtocolException($"Node {broker.NodeId} and node {replicaId} cannot reach each other (isolated)");
        var topics = (request.Structs("Topics") ?? []).Select(t =>
        {
            string name = t.String("Topic") ?? "";
            return new StructValue
            {
                ["Topic"] = name,
                ["Partitions"] = StructValue.List((t.Structs("Partitions") ?? []).Select(p =>
                {
                    int partition = p.Int32("Partition"), current = p.Int32("CurrentLeaderEpoch");
                    var log = broker.Logs.GetLog(name, partition);
                    var error = log is null ? (broker.Replicas is not null && broker.Logs.GetTopic(name) is not null ? ErrorCode.NotLeaderOrFollower : ErrorCode.UnknownTopicOrPartition)
                        : !log.IsLeader ? ErrorCode.NotLeaderOrFollower
                        : current >= 0 && current < log.LeaderEpoch ? ErrorCode.FencedLeaderEpoch
                        : current > log.LeaderEpoch ? ErrorCode.UnknownLeaderEpoch
                        : ErrorCode.None;
                    var answer = new StructValue { ["ErrorCode"] = (short)error, ["Partition"] = partition };
                    if (error != ErrorCode.None) return answer;
                    var (epoch, end) = log!.IsReplicated ? log.EndOffsetForEpoch(p.Int32("LeaderEpoch"))
                        : p.Int32("LeaderEpoch") == 0 ? (0, log.LogEndOffset) : (-1, -1L); // a single broker has led at epoch 0 only
                    answer["LeaderEpoch"] = epoch;
                    answer["EndOffset"] = end;
                    return answer;
                })),
            };
        });
        return ValueTask.FromResult(new StructValue { ["Topics"] = StructValue.List(topics) });
    }
}
