using ControlCenter.Broker.Server;
using ControlCenter.Broker.Storage;
using ControlCenter.LogFormat;
using ControlCenter.LogFormat.Records;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// Fetch v0–11. Long-polls until min_bytes are available or max_wait_ms passes, waking as soon
/// as any requested partition is appended to. v3+ returns at least one whole batch even above
/// max_bytes (KIP-74). v0–3 get legacy messages (magic 0 for v0–1, magic 1 for v2–3). Fetch
/// sessions (v7+) are declined with session id 0, which KIP-227 allows.
/// </summary>
internal sealed class FetchApi : ApiHandler
{
    public override ApiKey Key => ApiKey.Fetch;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("FetchRequest", "0-16", "12+",
        String("ClusterId", "12+").NullableIn("12+").TaggedAs(0, "12+"),
        Int32("ReplicaId", "0-14"),
        Struct("ReplicaState", "15+", Int32("ReplicaId"), Int64("ReplicaEpoch")).TaggedAs(1, "15+"),
        Int32("MaxWaitMs"),
        Int32("MinBytes"),
        Int32("MaxBytes", "3+"),
        Int8("IsolationLevel", "4+"),
        Int32("SessionId", "7+"),
        Int32("SessionEpoch", "7+"),
        Array("Topics", "0+",
            String("Topic", "0-12"),
            Uuid("TopicId", "13+"),
            Array("Partitions", "0+",
                Int32("Partition"),
                Int32("CurrentLeaderEpoch", "9+"),
                Int64("FetchOffset"),
                Int32("LastFetchedEpoch", "12+"),
                Int64("LogStartOffset", "5+"),
                Int32("PartitionMaxBytes"))),
        Array("ForgottenTopicsData", "7+",
            String("Topic", "7-12"),
            Uuid("TopicId", "13+"),
            ArrayOf(FieldKind.Int32, "Partitions", "7+")),
        String("RackId", "11+"));
    public override short MaxVersion => 11;

    private sealed record PartitionRequest(int Partition, long FetchOffset, int MaxBytes);
    private sealed record PartitionData(int Partition, ErrorCode Error, long HighWatermark, long LogStartOffset, SegmentSlice? Slice, byte[]? Converted);

    public override async ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        short v = context.Version;
        request.ReadInt32(); // replica id
        int maxWaitMs = request.ReadInt32();
        int minBytes = request.ReadInt32();
        int maxBytes = v >= 3 ? request.ReadInt32() : int.MaxValue;
        sbyte isolation = v >= 4 ? request.ReadInt8() : (sbyte)0;
        int sessionId = 0;
        if (v >= 7) { sessionId = request.ReadInt32(); request.ReadInt32(); }
        var topics = request.ReadArray(r => (Name: r.ReadString(), Partitions: r.ReadArray(p =>
        {
            int partition = p.ReadInt32();
            if (v >= 9) p.ReadInt32(); // current leader epoch
            long offset = p.ReadInt64();
            if (v >= 5) p.ReadInt64(); // follower log start offset
            return new PartitionRequest(partition, offset, p.ReadInt32());
        })));
        if (v >= 7) request.ReadArray(r => { r.ReadString(); return r.ReadArray(p => p.ReadInt32()); });
        if (v >= 11) request.ReadString(); // rack id

        if (sessionId != 0)
        {
            // We never hand out sessions, so an incremental fetch cannot refer to one of ours.
            response.WriteInt32(0);
            response.WriteErrorCode(ErrorCode.FetchSessionIdNotFound);
            response.WriteInt32(0);
            response.WriteArrayLength(0);
            return true;
        }

        var logs = context.Broker.Logs;
        // max_wait_ms bounds a request on the wire, like a socket timeout: it runs on real elapsed
        // time, not on the broker's clock (a test that freezes that clock still gets its fetches back).
        long deadline = Environment.TickCount64 + Math.Max(0, maxWaitMs);
        List<(string Topic, List<PartitionData> Partitions)> result;
        bool parked = false;
        while (true)
        {
            var signals = WaitSignals(topics, logs);
            result = ReadAll(topics, logs, v, maxBytes, out long bytes, out bool anyError);
            long remaining = deadline - Environment.TickCount64;
            if (bytes >= minBytes || anyError || remaining <= 0 || signals.Count == 0)
            {
                if (parked) context.Broker.FetchWaits.Ended(woken: bytes > 0 || anyError);
                break;
            }
            if (!parked) context.Broker.FetchWaits.Parked();
            parked = true;
            var timeout = Task.Delay(TimeSpan.FromMilliseconds(remaining), context.Cancellation);
            await Task.WhenAny(signals.Append(timeout));
            if (context.Cancellation.IsCancellationRequested)
            {
                context.Broker.FetchWaits.Ended(woken: false);
                return false;
            }
        }
        WriteResponse(response, v, isolation, result);
        return true;
    }

    private static List<Task> WaitSignals(List<(string Name, List<PartitionRequest> Partitions)> topics, LogManager logs) =>
        topics.SelectMany(t => t.Partitions.Select(p => logs.GetLog(t.Name, p.Partition)))
            .Where(l => l is not null).Select(l => l!.WaitForAppendAsync()).ToList();

    private static List<(string, List<PartitionData>)> ReadAll(List<(string Name, List<PartitionRequest> Partitions)> topics,
        LogManager logs, short v, int maxBytes, out long totalBytes, out bool anyError)
    {
        totalBytes = 0;
        anyError = false;
        var result = new List<(string, List<PartitionData>)>(topics.Count);
        foreach (var (name, partitions) in topics)
        {
            var list = new List<PartitionData>(partitions.Count);
            foreach (var p in partitions)
            {
                var data = ReadPartition(logs, name, p, v, (int)Math.Max(0, Math.Min(int.MaxValue, maxBytes - totalBytes)), minOneMessage: v >= 3 && totalBytes == 0);
                totalBytes += data.Converted?.Length ?? data.Slice?.Length ?? 0;
                anyError |= data.Error != ErrorCode.None;
                list.Add(data);
            }
            result.Add((name, list));
        }
        return result;
    }

    private static PartitionData ReadPartition(LogManager logs, string topic, PartitionRequest p, short v, int remainingBytes, bool minOneMessage)
    {
        var log = logs.GetLog(topic, p.Partition);
        if (log is null) return new PartitionData(p.Partition, ErrorCode.UnknownTopicOrPartition, -1, -1, null, null);
        long hwm = log.HighWatermark, start = log.LogStartOffset;
        int limit = Math.Min(p.MaxBytes, remainingBytes);
        if (limit <= 0 && !minOneMessage) return new PartitionData(p.Partition, ErrorCode.None, hwm, start, null, null);
        try
        {
            var slice = log.Read(p.FetchOffset, Math.Max(limit, 0), minOneMessage || v < 3);
            if (slice is { } s && v < 4)
                return new PartitionData(p.Partition, ErrorCode.None, hwm, start, null, DownConvert(s, v, p.FetchOffset, Math.Max(limit, 1)));
            return new PartitionData(p.Partition, ErrorCode.None, hwm, start, slice, null);
        }
        catch (KafkaErrorException e)
        {
            return new PartitionData(p.Partition, e.Code, hwm, start, null, null);
        }
    }

    /// <summary>Old consumers cannot read v2 batches: give them magic 0 (Fetch v0–1) or magic 1 (v2–3).</summary>
    private static byte[] DownConvert(SegmentSlice slice, short v, long fetchOffset, int maxBytes)
    {
        var bytes = new byte[slice.Length];
        ReadExactly(slice, bytes);
        return LegacyMessageSet.DownConvert(bytes, v < 2 ? (sbyte)0 : (sbyte)1, fetchOffset, maxBytes);
    }

    private static void ReadExactly(SegmentSlice slice, Span<byte> destination) => slice.Segment.ReadInto(destination, slice.Position);

    private static void WriteResponse(KafkaWriter response, short v, sbyte isolation, List<(string Topic, List<PartitionData> Partitions)> result)
    {
        if (v >= 1) response.WriteInt32(0);
        if (v >= 7) { response.WriteErrorCode(ErrorCode.None); response.WriteInt32(0); }
        response.WriteArrayLength(result.Count);
        foreach (var (topic, partitions) in result)
        {
            response.WriteString(topic);
            response.WriteArrayLength(partitions.Count);
            foreach (var d in partitions)
            {
                response.WriteInt32(d.Partition);
                response.WriteErrorCode(d.Error);
                response.WriteInt64(d.HighWatermark);
                if (v >= 4)
                {
                    response.WriteInt64(d.HighWatermark); // last stable offset: no open transactions
                    if (v >= 5) response.WriteInt64(d.LogStartOffset);
                    response.WriteArrayLength(isolation == 1 ? 0 : -1); // aborted transactions
                }
                if (v >= 11) response.WriteInt32(-1); // preferred read replica
                if (d.Converted is { } converted) response.WriteBytes(converted);
                else if (d.Slice is { } slice)
                {
                    response.WriteInt32(slice.Length);
                    ReadExactly(slice, response.GetSpan(slice.Length)[..slice.Length]);
                    response.Advance(slice.Length);
                }
                else response.WriteInt32(0);
            }
        }
    }
}
