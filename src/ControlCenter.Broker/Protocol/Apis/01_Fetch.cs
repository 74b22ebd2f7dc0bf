using ControlCenter.LogFormat.Files;
using ControlCenter.Broker.Server;
using ControlCenter.Broker.Storage;
using ControlCenter.LogFormat.Records;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// Fetch v0–17, served from its definition. Long-polls until min_bytes are available or
/// max_wait_ms passes, waking as soon as any requested partition is appended to. v3+ returns at
/// least one whole batch even above max_bytes (KIP-74). v0–3 get legacy messages (magic 0 for
/// v0–1, magic 1 for v2–3). v12+ is flexible; v13+ names topics by id (KIP-516), and an id
/// nobody has is UNKNOWN_TOPIC_ID. Fetch sessions (v7+) are declined with session id 0, which
/// KIP-227 allows. Records go from the segment file into the response buffer in one copy.
/// </summary>
internal sealed class FetchApi : DefinedApi
{
    public override ApiKey Key => ApiKey.Fetch;

    public override MessageSpec Request { get; } = Message("FetchRequest", "0-17", "12+",
        String("ClusterId", "12+").NullableIn("12+").TaggedAs(0, "12+"),
        Int32("ReplicaId", "0-14").WithDefault(-1),
        Struct("ReplicaState", "15+", Int32("ReplicaId").WithDefault(-1), Int64("ReplicaEpoch").WithDefault(-1L)).TaggedAs(1, "15+"),
        Int32("MaxWaitMs"),
        Int32("MinBytes"),
        Int32("MaxBytes", "3+").WithDefault(int.MaxValue),
        Int8("IsolationLevel", "4+"),
        Int32("SessionId", "7+"),
        Int32("SessionEpoch", "7+").WithDefault(-1),
        Array("Topics", "0+",
            String("Topic", "0-12"),
            Uuid("TopicId", "13+"),
            Array("Partitions", "0+",
                Int32("Partition"),
                Int32("CurrentLeaderEpoch", "9+").WithDefault(-1),
                Int64("FetchOffset"),
                Int32("LastFetchedEpoch", "12+").WithDefault(-1),
                Int64("LogStartOffset", "5+").WithDefault(-1L),
                Int32("PartitionMaxBytes"),
                Uuid("ReplicaDirectoryId", "17+").TaggedAs(0, "17+"))),
        Array("ForgottenTopicsData", "7+",
            String("Topic", "7-12"),
            Uuid("TopicId", "13+"),
            ArrayOf(FieldKind.Int32, "Partitions", "7+")),
        String("RackId", "11+"));

    public override MessageSpec Response { get; } = Message("FetchResponse", "0-17", "12+",
        Int32("ThrottleTimeMs", "1+"),
        Int16("ErrorCode", "7+"),
        Int32("SessionId", "7+"),
        Array("Responses", "0+",
            String("Topic", "0-12"),
            Uuid("TopicId", "13+"),
            Array("Partitions", "0+",
                Int32("PartitionIndex"),
                Int16("ErrorCode"),
                Int64("HighWatermark"),
                Int64("LastStableOffset", "4+").WithDefault(-1L),
                Int64("LogStartOffset", "5+").WithDefault(-1L),
                Struct("DivergingEpoch", "12+", Int32("Epoch").WithDefault(-1), Int64("EndOffset").WithDefault(-1L)).TaggedAs(0, "12+"),
                ProduceApi.CurrentLeader("12+").TaggedAs(1, "12+"),
                Struct("SnapshotId", "12+", Int64("EndOffset").WithDefault(-1L), Int32("Epoch").WithDefault(-1)).TaggedAs(2, "12+"),
                Array("AbortedTransactions", "4+", Int64("ProducerId"), Int64("FirstOffset")).NullableIn("4+"),
                Int32("PreferredReadReplica", "11+").WithDefault(-1),
                Records("Records").NullableIn("0+"))),
        ProduceApi.NodeEndpoints("16+").TaggedAs(0, "16+"));

    private sealed record PartitionRequest(int Partition, long FetchOffset, int MaxBytes, int CurrentLeaderEpoch);
    /// <summary>A requested topic: its log name, or (v13+) none when its id is unknown.</summary>
    private sealed record TopicRequest(string? Name, Guid Id, List<PartitionRequest> Partitions);
    /// <summary>One partition's answer; read_committed readers also get the last stable offset and the aborted transactions of what they read.</summary>
    private sealed record PartitionData(int Partition, ErrorCode Error, long HighWatermark, long LogStartOffset, SegmentSlice? Slice, byte[]? Converted,
        long LastStableOffset = -1, List<AbortedTxnEntry>? Aborted = null);

    protected override async ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        short v = context.Version;
        if (request.Int32("SessionId") != 0)
        {
            // We never hand out sessions, so an incremental fetch cannot refer to one of ours.
            return new StructValue { ["ErrorCode"] = (short)ErrorCode.FetchSessionIdNotFound };
        }
        var logs = context.Broker.Logs;
        var topics = (request.Structs("Topics") ?? []).Select(t => new TopicRequest(
            v >= 13 ? logs.GetTopic(t.Uuid("TopicId"))?.Name : t.String("Topic") ?? "",
            t.Uuid("TopicId"),
            (t.Structs("Partitions") ?? []).Select(p => new PartitionRequest(p.Int32("Partition"), p.Int64("FetchOffset"), p.Int32("PartitionMaxBytes"), p.Int32("CurrentLeaderEpoch"))).ToList())).ToList();
        int maxWaitMs = request.Int32("MaxWaitMs"), minBytes = request.Int32("MinBytes"), maxBytes = request.Int32("MaxBytes");
        int replicaId = v >= 15 ? request.Struct("ReplicaState")?.Int32("ReplicaId") ?? -1 : request.Int32("ReplicaId");
        var reader = new Reader(logs, context.Broker.Replicas, replicaId, v >= 4 && request.Int8("IsolationLevel") == 1);


        // max_wait_ms bounds a request on the wire, like a socket timeout: it runs on real elapsed
        // time, not on the broker's clock (a test that freezes that clock still gets its fetches back).
        long deadline = Environment.TickCount64 + Math.Max(0, maxWaitMs);
        List<List<PartitionData>> result;
        bool parked = false;
        while (true)
        {
            var signals = WaitSignals(topics, logs);
            result = ReadAll(topics, reader, v, maxBytes, out long bytes, out bool anyError);
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
                return NoResponse;
            }
        }
        bool readCommitted = request.Int8("IsolationLevel") == 1;
        return new StructValue { ["Responses"] = StructValue.List(topics.Select((t, i) => Answer(t, result[i], readCommitted))) };
    }

    private static List<Task> WaitSignals(List<TopicRequest> topics, LogManager logs) =>
        topics.Where(t => t.Name is not null).SelectMany(t => t.Partitions.Select(p => logs.GetLog(t.Name!, p.Partition)))
            .Where(l => l is not null).Select(l => l!.WaitForAppendAsync()).ToList();

    /// <summary>Who reads: a consumer (replica id -1) sees up to the high watermark; a follower reads to the log end and reports its progress.</summary>
    private sealed record Reader(LogManager Logs, Cluster.ReplicaManager? Replicas, int ReplicaId, bool ReadCommitted);

    private static List<List<PartitionData>> ReadAll(List<TopicRequest> topics, Reader reader, short v, int maxBytes, out long totalBytes, out bool anyError)
    {
        totalBytes = 0;
        anyError = false;
        var result = new List<List<PartitionData>>(topics.Count);
        foreach (var topic in topics)
        {
            var list = new List<PartitionData>(topic.Partitions.Count);
            foreach (var p in topic.Partitions)
            {
                var data = topic.Name is null
                    ? new PartitionData(p.Partition, ErrorCode.UnknownTopicId, -1, -1, null, null)
                    : ReadPartition(reader, topic.Name, p, v, (int)Math.Max(0, Math.Min(int.MaxValue, maxBytes - totalBytes)), minOneMessage: v >= 3 && totalBytes == 0);
                totalBytes += data.Converted?.Length ?? data.Slice?.Length ?? 0;
                anyError |= data.Error != ErrorCode.None;
                list.Add(data);
            }
            result.Add(list);
        }
        return result;
    }

    private static PartitionData ReadPartition(Reader reader, string topic, PartitionRequest p, short v, int remainingBytes, bool minOneMessage)
    {
        var log = reader.Logs.GetLog(topic, p.Partition);
        if (log is null)
            return new PartitionData(p.Partition, reader.Replicas is not null && reader.Logs.GetTopic(topic) is not null ? ErrorCode.NotLeaderOrFollower : ErrorCode.UnknownTopicOrPartition, -1, -1, null, null);
        if (reader.Replicas is { } replicas)
        {
            // An isolation cuts the link both ways, also under a fetch already waiting: the follower's connection just drops.
            if (reader.ReplicaId >= 0 && (replicas.Isolated || replicas.Controller.IsIsolated(reader.ReplicaId)))
                throw new ControlCenter.LogFormat.ProtocolException($"Node {replicas.NodeId} and node {reader.ReplicaId} cannot reach each other (isolated)");
            var error = reader.ReplicaId >= 0
                ? replicas.RecordFollowerFetch(topic, p.Partition, reader.ReplicaId, p.CurrentLeaderEpoch, p.FetchOffset)
                : !log.IsLeader ? ErrorCode.NotLeaderOrFollower
                : p.CurrentLeaderEpoch >= 0 && p.CurrentLeaderEpoch < log.LeaderEpoch ? ErrorCode.FencedLeaderEpoch
                : p.CurrentLeaderEpoch > log.LeaderEpoch ? ErrorCode.UnknownLeaderEpoch
                : ErrorCode.None;
            if (error != ErrorCode.None) return new PartitionData(p.Partition, error, -1, -1, null, null);
        }
        long hwm = log.HighWatermark, start = log.LogStartOffset, lso = log.LastStableOffset;
        int limit = Math.Min(p.MaxBytes, remainingBytes);
        // leader.replication.throttled.*: a throttled follower gets nothing while this node's replication quota is spent.
        var throttle = reader.ReplicaId >= 0 && reader.Replicas is { } r && r.IsThrottled(topic, p.Partition, reader.ReplicaId, leaderSide: true) ? r.LeaderQuota : null;
        if (throttle?.IsExceeded() == true) return new PartitionData(p.Partition, ErrorCode.None, hwm, start, null, null);
        if (limit <= 0 && !minOneMessage) return new PartitionData(p.Partition, ErrorCode.None, hwm, start, null, null);
        try
        {
            bool readCommitted = reader.ReadCommitted && reader.ReplicaId < 0;
            var slice = log.Read(p.FetchOffset, Math.Max(limit, 0), minOneMessage || v < 3, uncommitted: reader.ReplicaId >= 0, readCommitted);
            throttle?.Record(slice?.Length ?? 0);
            if (slice is { } s && v < 4)
                return new PartitionData(p.Partition, ErrorCode.None, hwm, start, null, DownConvert(s, v, p.FetchOffset, Math.Max(limit, 1)));
            // Every transaction aborted within what was read, so the consumer can drop its records (it may list a few beyond).
            var aborted = readCommitted && slice is not null ? log.AbortedTransactions(p.FetchOffset, lso) : null;
            return new PartitionData(p.Partition, ErrorCode.None, hwm, start, slice, null, lso, aborted);
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
        slice.CopyTo(bytes);
        return LegacyMessageSet.DownConvert(bytes, v < 2 ? (sbyte)0 : (sbyte)1, fetchOffset, maxBytes);
    }

    private static StructValue Answer(TopicRequest topic, List<PartitionData> partitions, bool readCommitted) => new()
    {
        ["Topic"] = topic.Name ?? "",
        ["TopicId"] = topic.Id,
        ["Partitions"] = StructValue.List(partitions.Select(d => new StructValue
        {
            ["PartitionIndex"] = d.Partition,
            ["ErrorCode"] = (short)d.Error,
            ["HighWatermark"] = d.HighWatermark,
            ["LastStableOffset"] = d.LastStableOffset >= 0 ? d.LastStableOffset : d.HighWatermark,
            ["LogStartOffset"] = d.LogStartOffset,
            ["AbortedTransactions"] = readCommitted
                ? StructValue.List((d.Aborted ?? []).Select(t => new StructValue { ["ProducerId"] = t.ProducerId, ["FirstOffset"] = t.FirstOffset }))
                : null,
            ["Records"] = d.Converted ?? (object?)d.Slice ?? System.Array.Empty<byte>(),
        })),
    };
}
