using System.Runtime.InteropServices;
using ControlCenter.Broker.Server;
using ControlCenter.Broker.Storage;
using ControlCenter.LogFormat;
using ControlCenter.LogFormat.Records;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// Produce v0–8. v3+ carries one v2 batch per partition; v0–2 carry legacy message sets,
/// up-converted to v2 before they reach the log. acks=0 gets no response at all, and a
/// failed acks=0 write closes the connection, as Kafka does.
/// </summary>
internal sealed class ProduceApi : ApiHandler
{
    public override ApiKey Key => ApiKey.Produce;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("ProduceRequest", "0-11", "9+",
        String("TransactionalId", "3+").NullableIn("3+"),
        Int16("Acks"),
        Int32("TimeoutMs"),
        Array("TopicData", "0+",
            String("Name"),
            Array("PartitionData", "0+", Int32("Index"), Records("Records").NullableIn("0+"))));
    public override short MaxVersion => 8;

    private sealed record PartitionResult(int Partition, AppendResult Result);

    /// <summary>The client id Kafka lets write internal topics (its own tools).</summary>
    private const string AdminClientId = "__admin_client";

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        short v = context.Version;
        if (v >= 3) request.ReadNullableString(); // transactional id
        short acks = request.ReadInt16();
        request.ReadInt32(); // timeout: writes complete before we answer
        var topics = request.ReadArray(r => (Name: r.ReadString(), Partitions: r.ReadArray(p => (Index: p.ReadInt32(), Records: p.ReadNullableBytes()))));

        var results = new List<(string Topic, List<PartitionResult> Partitions)>(topics.Count);
        long now = context.Broker.NowMs;
        foreach (var (name, partitions) in topics)
        {
            var list = new List<PartitionResult>(partitions.Count);
            foreach (var (index, records) in partitions)
                list.Add(new PartitionResult(index, Append(context, name, index, records, acks, v, now)));
            results.Add((name, list));
        }

        if (acks == 0)
        {
            var failed = results.SelectMany(t => t.Partitions).FirstOrDefault(p => p.Result.Error != ErrorCode.None);
            if (failed is not null)
                throw new ProtocolException($"acks=0 produce failed with {failed.Result.Error}: {failed.Result.Message}");
            return ValueTask.FromResult(false);
        }

        response.WriteArrayLength(results.Count);
        foreach (var (name, partitions) in results)
        {
            response.WriteString(name);
            response.WriteArrayLength(partitions.Count);
            foreach (var (index, result) in partitions)
            {
                response.WriteInt32(index);
                response.WriteErrorCode(result.Error);
                response.WriteInt64(result.BaseOffset);
                if (v >= 2) response.WriteInt64(result.LogAppendTime);
                if (v >= 5) response.WriteInt64(result.LogStartOffset);
                if (v >= 8)
                {
                    response.WriteArrayLength(0);
                    response.WriteNullableString(result.Error == ErrorCode.None ? null : result.Message);
                }
            }
        }
        if (v >= 1) response.WriteInt32(0);
        return ValueTask.FromResult(true);
    }

    private static AppendResult Append(RequestContext context, string topic, int partition, ReadOnlyMemory<byte>? records, short acks, short version, long now)
    {
        if (acks is not (0 or 1 or -1)) return new AppendResult(ErrorCode.InvalidRequiredAcks, Message: $"acks must be 0, 1 or -1, not {acks}");
        var log = context.Broker.Logs.GetLog(topic, partition);
        if (log is null) return new AppendResult(ErrorCode.UnknownTopicOrPartition, Message: $"Unknown partition {topic}-{partition}");
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

        try { return log.AppendAsLeader(batch, acks, version, now); }
        catch (KafkaErrorException e) { return new AppendResult(e.Code, LogStartOffset: log.LogStartOffset, Message: e.Message); }
    }
}
