using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// OffsetForLeaderEpoch v0–4, served from its definition. This node has always led with epoch
/// 0, so epoch 0 ends at the log end offset, later epochs are unknown, and a client's current
/// epoch above 0 is one this node has not seen (UNKNOWN_LEADER_EPOCH).
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
        var topics = (request.Structs("Topics") ?? []).Select(t =>
        {
            string name = t.String("Topic") ?? "";
            return new StructValue
            {
                ["Topic"] = name,
                ["Partitions"] = StructValue.List((t.Structs("Partitions") ?? []).Select(p =>
                {
                    int partition = p.Int32("Partition");
                    var log = context.Broker.Logs.GetLog(name, partition);
                    var error = log is null ? ErrorCode.UnknownTopicOrPartition
                        : p.Int32("CurrentLeaderEpoch") > 0 ? ErrorCode.UnknownLeaderEpoch
                        : ErrorCode.None;
                    var answer = new StructValue { ["ErrorCode"] = (short)error, ["Partition"] = partition };
                    if (error == ErrorCode.None && p.Int32("LeaderEpoch") == 0)
                    {
                        answer["LeaderEpoch"] = 0;
                        answer["EndOffset"] = log!.LogEndOffset;
                    }
                    return answer;
                })),
            };
        });
        return ValueTask.FromResult(new StructValue { ["Topics"] = StructValue.List(topics) });
    }
}
