using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// ListOffsets v0–10, served from its definition: -1 latest (high watermark; also the last
/// stable offset, as no transaction is ever open), -2 earliest (log start), -3 the record with
/// the max timestamp (KIP-734), -4 earliest local (the log start: nothing is tiered), -5 latest
/// tiered (none: -1, as Kafka answers without remote storage), otherwise the first record at or
/// after a timestamp, found through the time index. v0 answers with a list of offsets; v6+ is
/// flexible; v10's timeout is for remote storage, which this broker does not have.
/// </summary>
internal sealed class ListOffsetsApi : DefinedApi
{
    public override ApiKey Key => ApiKey.ListOffsets;

    public override MessageSpec Request { get; } = Message("ListOffsetsRequest", "0-10", "6+",
        Int32("ReplicaId"),
        Int8("IsolationLevel", "2+"),
        Array("Topics", "0+",
            String("Name"),
            Array("Partitions", "0+",
                Int32("PartitionIndex"),
                Int32("CurrentLeaderEpoch", "4+").WithDefault(-1),
                Int64("Timestamp"),
                Int32("MaxNumOffsets", "0").WithDefault(1))),
        Int32("TimeoutMs", "10+"));

    public override MessageSpec Response { get; } = Message("ListOffsetsResponse", "0-10", "6+",
        Int32("ThrottleTimeMs", "2+"),
        Array("Topics", "0+",
            String("Name"),
            Array("Partitions", "0+",
                Int32("PartitionIndex"),
                Int16("ErrorCode"),
                ArrayOf(FieldKind.Int64, "OldStyleOffsets", "0"),
                Int64("Timestamp", "1+").WithDefault(-1L),
                Int64("Offset", "1+").WithDefault(-1L),
                Int32("LeaderEpoch", "4+").WithDefault(-1))));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        bool readCommitted = context.Version >= 2 && request.Int8("IsolationLevel") == 1;
        var topics = (request.Structs("Topics") ?? []).Select(t =>
        {
            string name = t.String("Name") ?? "";
            return new StructValue
            {
                ["Name"] = name,
                ["Partitions"] = StructValue.List((t.Structs("Partitions") ?? []).Select(p => Answer(context, name, p, readCommitted))),
            };
        });
        return ValueTask.FromResult(new StructValue { ["Topics"] = StructValue.List(topics) });
    }

    private static StructValue Answer(RequestContext context, string topic, StructValue partition, bool readCommitted)
    {
        int index = partition.Int32("PartitionIndex");
        long timestamp = partition.Int64("Timestamp");
        var log = context.Broker.Logs.GetLog(topic, index);
        var answer = new StructValue { ["PartitionIndex"] = index };
        var error = log is null ? (context.Broker.Replicas is not null && context.Broker.Logs.GetTopic(topic) is not null ? ErrorCode.NotLeaderOrFollower : ErrorCode.UnknownTopicOrPartition)
            : !log.IsLeader ? ErrorCode.NotLeaderOrFollower // a cluster's follower: offsets come from the leader
            : timestamp < -5 ? ErrorCode.InvalidRequest
            : ErrorCode.None;
        if (error != ErrorCode.None)
        {
            answer["ErrorCode"] = (short)error;
            return answer;
        }
        var found = log!.FetchOffsetByTimestamp(timestamp, readCommitted);
        // v0 lists offsets (up to MaxNumOffsets, of which Kafka gives at most the one asked for).
        answer["OldStyleOffsets"] = StructValue.List(new[] { found?.Offset ?? log.HighWatermark });
        answer["Timestamp"] = found?.Timestamp ?? -1L;
        answer["Offset"] = found?.Offset ?? -1L;
        answer["LeaderEpoch"] = found is { Offset: >= 0 } ? log.LeaderEpoch : -1;
        return answer;
    }
}
