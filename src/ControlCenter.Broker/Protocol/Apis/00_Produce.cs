using System.Runtime.InteropServices;
using ControlCenter.Broker.Server;
using ControlCenter.Broker.Storage;
using ControlCenter.LogFormat;
using ControlCenter.LogFormat.Records;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// Produce v0–13, served from its definition. v3+ carries one v2 batch per partition; v0–2 carry
/// legacy message sets, up-converted to v2 before they reach the log. v9+ is flexible; v13 names
/// topics by id (KIP-516), and an id nobody has is UNKNOWN_TOPIC_ID. acks=0 gets no response at
/// all, and a failed acks=0 write closes the connection, as Kafka does. The leader hints of v10+
/// (KIP-951) go with NOT_LEADER_OR_FOLLOWER, which a single broker never answers.
/// </summary>
internal sealed class ProduceApi : DefinedApi
{
    public override ApiKey Key => ApiKey.Produce;

    public override MessageSpec Request { get; } = Message("ProduceRequest", "0-13", "9+",
        String("TransactionalId", "3+").NullableIn("3+"),
        Int16("Acks"),
        Int32("TimeoutMs"),
        Array("TopicData", "0+",
            String("Name", "0-12"),
            Uuid("TopicId", "13+"),
            Array("PartitionData", "0+", Int32("Index"), Records("Records").NullableIn("0+"))));

    public override MessageSpec Response { get; } = Message("ProduceResponse", "0-13", "9+",
        Array("Responses", "0+",
            String("Name", "0-12"),
            Uuid("TopicId", "13+"),
            Array("PartitionResponses", "0+",
                Int32("Index"),
                Int16("ErrorCode"),
                Int64("BaseOffset"),
                Int64("LogAppendTimeMs", "2+").WithDefault(-1L),
                Int64("LogStartOffset", "5+").WithDefault(-1L),
                Array("RecordErrors", "8+", Int32("BatchIndex"), String("BatchIndexErrorMessage", "8+").NullableIn("8+")),
                String("ErrorMessage", "8+").NullableIn("8+"),
                CurrentLeader("10+").TaggedAs(0, "10+"))),
        Int32("ThrottleTimeMs", "1+"),
        NodeEndpoints("10+").TaggedAs(0, "10+"));

    /// <summary>The leader hint of KIP-951 (Produce v10+, Fetch v12+), sent with NOT_LEADER_OR_FOLLOWER.</summary>
    internal static Field CurrentLeader(string versions) => Struct("CurrentLeader", versions, Int32("LeaderId").WithDefault(-1), Int32("LeaderEpoch").WithDefault(-1));

    /// <summary>Where the leaders named by <see cref="CurrentLeader"/> listen (KIP-951).</summary>
    internal static Field NodeEndpoints(string versions) => Array("NodeEndpoints", versions, Int32("NodeId"), String("Host"), Int32("Port"), String("Rack").NullableIn("0+"));

    /// <summary>The client id Kafka lets write internal topics (its own tools).</summary>
    private const string AdminClientId = "__admin_client";

    protected override async ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        short v = context.Version, acks = request.Int16("Acks");
        long now = context.Broker.NowMs;
        var responses = new List<object?>();
        (ErrorCode Error, string? Message)? firstFailure = null;
        foreach (var topic in request.Structs("TopicData") ?? [])
        {
            var (name, unknown) = Resolve(context, topic, v);
            var partitions = new List<object?>();
            foreach (var data in topic.Structs("PartitionData") ?? [])
            {
                int index = data.Int32("Index");
                var result = unknown ?? Append(context, name!, index, data.Records("Records"), acks, v, now);
                if (result.Error == ErrorCode.None && context.Broker.Replicas is { } replicas && acks == -1
                    && context.Broker.Logs.GetLog(name!, index) is { } log)
                {
                    // acks=all: answered once every in-sync replica has the records (Kafka's delayed produce).
                    var (error, message) = await replicas.WaitForCommitAsync(name!, index, log, result.EndOffset, request.Int32("TimeoutMs"), context.Cancellation);
                    if (error != ErrorCode.None) result = result with { Error = error, Message = message };
                }
                if (result.Error != ErrorCode.None) firstFailure ??= (result.Error, result.Message);
                partitions.Add(new StructValue
                {
                    ["Index"] = index, ["ErrorCode"] = (short)result.Error, ["BaseOffset"] = result.BaseOffset,
                    ["LogAppendTimeMs"] = result.LogAppendTime, ["LogStartOffset"] = result.LogStartOffset,
                    ["ErrorMessage"] = result.Error == ErrorCode.None ? null : result.Message,
                });
            }
            responses.Add(new StructValue { ["Name"] = name ?? "", ["TopicId"] = topic.Uuid("TopicId"), ["PartitionResponses"] = partitions });
        }

        if (acks == 0)
        {
            // The producer never learns of an acks=0 failure unless the connection goes: it then refreshes its metadata.
            if (firstFailure is { } failed) throw new ProtocolException($"acks=0 produce failed with {failed.Error}: {failed.Message}");
            return NoResponse;
        }
        return new StructValue { ["Responses"] = responses };
    }

    /// <summary>The topic's name, or (v13) the answer for an id this broker does not have.</summary>
    private static (string? Name, AppendResult? Unknown) Resolve(RequestContext context, StructValue topic, short version)
    {
        if (version < 13) return (topic.String("Name") ?? "", null);
        var state = context.Broker.Logs.GetTopic(topic.Uuid("TopicId"));
        return state is null
            ? (null, new AppendResult(ErrorCode.UnknownTopicId, Message: $"Unknown topic id {topic.Uuid("TopicId")}"))
            : (state.Name, null);
    }

    private static AppendResult Append(RequestContext context, string topic, int partition, ReadOnlyMemory<byte>? records, short acks, short version, long now)
    {
        if (acks is not (0 or 1 or -1)) return new AppendResult(ErrorCode.InvalidRequiredAcks, Message: $"acks must be 0, 1 or -1, not {acks}");
        var log = context.Broker.Logs.GetLog(topic, partition);
        if (log is null)
            return context.Broker.Replicas is not null && context.Broker.Logs.GetTopic(topic) is { } known && partition >= 0 && partition < known.Partitions.Length
                ? new AppendResult(ErrorCode.NotLeaderOrFollower, Message: $"Node {context.Broker.NodeId} holds no replica of {topic}-{partition}")
                : new AppendResult(ErrorCode.UnknownTopicOrPartition, Message: $"Unknown partition {topic}-{partition}");
        // Internal topics are the broker's own (offsets, transactions): only Kafka's admin client id may write them, as in Kafka.
        if (context.Broker.Logs.GetTopic(topic) is { IsInternal: true } && context.Header.ClientId != AdminClientId)
            return new AppendResult(ErrorCode.InvalidTopicException, LogStartOffset: log.LogStartOffset, Message: $"Cannot append to internal topic {topic}");
        if (records is not { Length: > 0 } data) return new AppendResult(ErrorCode.InvalidRecord, LogStartOffset: log.LogStartOffset, Message: "No records");

        Memory<byte> batch;
        if (version < 3)
        {
            if (data.Length > RecordBatchHeader.MagicOffset && (sbyte)data.Span[RecordBatchHeader.MagicOffset] >= 2)
                return new AppendResult(ErrorCode.InvalidRecord, LogStartOffset: log.LogStartOffset, Message: "Produce v0-2 cannot carry message format v2");
            try { batch = LegacyMessageSet.UpConvert(data.Span, log.Config.TimestampType); }
            catch (InvalidDataException e) { return new AppendResult(ErrorCode.CorruptMessage, LogStartOffset: log.LogStartOffset, Message: e.Message); }
            if (batch.Length > log.Config.MaxMessageBytes)
                return new AppendResult(ErrorCode.MessageTooLarge, LogStartOffset: log.LogStartOffset, Message: "Converted batch exceeds max.message.bytes");
            version = 3; // validated as a v2 batch from here on
        }
        else batch = MemoryMarshal.AsMemory(data); // our own request buffer: offsets are assigned in place

        if (context.Broker.Replicas is { } replicas)
        {
            var (error, message) = replicas.CheckProduce(topic, partition, acks, log.Config);
            if (error != ErrorCode.None) return new AppendResult(error, LogStartOffset: log.LogStartOffset, Message: message);
        }
        try
        {
            var result = log.AppendAsLeader(batch, acks, version, now);
            if (result.Error == ErrorCode.None) context.Broker.Replicas?.OnLeaderAppend(topic, partition);
            return result;
        }
        catch (KafkaErrorException e) { return new AppendResult(e.Code, LogStartOffset: log.LogStartOffset, Message: e.Message); }
    }
}
