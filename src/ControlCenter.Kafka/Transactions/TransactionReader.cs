using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Cluster;
using ControlCenter.LogFormat;
using ControlCenter.LogFormat.Records;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Kafka.Transactions;

/// <summary>A partition an open transaction holds back: read_committed readers stop at its last stable offset, below the high watermark.</summary>
public sealed record BlockedPartition(string Topic, int Partition, long LastStableOffset, long HighWatermark)
{
    public long HeldBack => HighWatermark - LastStableOffset;
}

/// <summary>One transactional id as its coordinator last recorded it, with what it blocks now.</summary>
public sealed record TransactionInfo(string TransactionalId, long ProducerId, short ProducerEpoch, TransactionState State, int TimeoutMs,
    DateTimeOffset? StartedAt, DateTimeOffset LastUpdate, IReadOnlyList<TopicPartition> Partitions, IReadOnlyList<BlockedPartition> Blocking)
{
    public bool IsOpen => State.IsOpen();

    public TimeSpan? Age(DateTimeOffset now) => IsOpen && StartedAt is { } started ? now - started : null;

    /// <summary>Open past its own timeout: its coordinator should have aborted it; until it is, read_committed consumers of its partitions are stuck.</summary>
    public bool IsHanging(DateTimeOffset now) => Age(now) is { } age && age > TimeSpan.FromMilliseconds(TimeoutMs);
}

public sealed record TransactionsView(IReadOnlyList<TransactionInfo> Transactions, DateTimeOffset ReadAt, bool TopicExists);

/// <summary>
/// The cluster's transactions, read the way any client can: __transaction_state (Kafka's
/// TransactionLogKey/Value records, latest per transactional id) through a Confluent.Kafka
/// consumer, and the open ones' partitions' last stable offsets against their high watermarks
/// through ListOffsets with each isolation level. Works against any Kafka cluster whose
/// internal topic the dashboard may read.
/// </summary>
public sealed class TransactionReader(ClusterConnection connection, ClusterAdmin admin, TimeProvider time, ILogger<TransactionReader> logger)
{
    private static readonly TimeSpan ReadBudget = TimeSpan.FromSeconds(15);

    public Task<TransactionsView> ReadAsync(CancellationToken cancellation = default) => ClusterCall.RunAsync(async () =>
    {
        var metadata = await admin.GetMetadataAsync(cancellation);
        var topic = metadata.Topics.FirstOrDefault(t => t.Topic == TopicNames.TransactionState && t.Error.Code == ErrorCode.NoError);
        if (topic is null) return new TransactionsView([], time.GetUtcNow(), TopicExists: false);
        var partitions = topic.Partitions.Select(p => new TopicPartition(TopicNames.TransactionState, p.PartitionId)).ToList();
        var ends = await admin.ListOffsetsAsync(partitions, OffsetSpec.Latest());
        var latest = await Task.Run(() => ReadLatest(ends), cancellation);
        var transactions = await WithBlockedPartitionsAsync(latest.Values.ToList());
        return new TransactionsView(transactions.OrderByDescending(t => t.IsOpen).ThenBy(t => t.TransactionalId, StringComparer.Ordinal).ToList(),
            time.GetUtcNow(), TopicExists: true);
    });

    /// <summary>Replays __transaction_state to its current end: the last record of each transactional id wins; a tombstone removes it.</summary>
    private Dictionary<string, TransactionSnapshot> ReadLatest(Dictionary<TopicPartition, long> ends)
    {
        var latest = new Dictionary<string, TransactionSnapshot>(StringComparer.Ordinal);
        var open = ends.Where(e => e.Value > 0).Select(e => e.Key.Partition.Value).ToHashSet();
        if (open.Count == 0) return latest;
        using var consumer = connection.CreateConsumer<byte[]?, byte[]?>("transactions", "control-center-transactions", c =>
        {
            c.EnablePartitionEof = true;
            c.IsolationLevel = IsolationLevel.ReadUncommitted;
        });
        consumer.Assign(open.Select(p => new TopicPartitionOffset(TopicNames.TransactionState, p, Offset.Beginning)));
        var elapsed = System.Diagnostics.Stopwatch.StartNew(); // an I/O budget: real time
        while (open.Count > 0 && elapsed.Elapsed < ReadBudget)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null) continue;
            int p = r.Partition.Value;
            if (r.IsPartitionEOF || r.Offset.Value + 1 >= ends[r.TopicPartition]) open.Remove(p);
            if (r.IsPartitionEOF || r.Message.Key is not { } key) continue;
            try
            {
                if (TransactionLogRecords.ReadKey(key) is not { } id) continue;
                if (r.Message.Value is { } value) latest[id] = TransactionLogRecords.ReadValue(id, value);
                else latest.Remove(id);
            }
            catch (Exception e) when (e is ProtocolException or InvalidDataException or ArgumentOutOfRangeException)
            {
                logger.LogDebug("Skipping an unreadable {Topic} record at {Partition}@{Offset}: {Error}", TopicNames.TransactionState, p, r.Offset.Value, e.Message);
            }
        }
        if (open.Count > 0) logger.LogWarning("Reading {Topic} stopped after {Budget}: {Count} partitions not read to their end", TopicNames.TransactionState, ReadBudget, open.Count);
        return latest;
    }

    private async Task<List<TransactionInfo>> WithBlockedPartitionsAsync(List<TransactionSnapshot> snapshots)
    {
        var touched = snapshots.Where(s => s.State.IsOpen()).SelectMany(s => s.Partitions).Distinct()
            .Select(p => new TopicPartition(p.Topic, p.Partition)).ToList();
        Dictionary<TopicPartition, long> stable = [], high = [];
        if (touched.Count > 0)
        {
            stable = await admin.ListOffsetsAsync(touched, OffsetSpec.Latest(), IsolationLevel.ReadCommitted);
            high = await admin.ListOffsetsAsync(touched, OffsetSpec.Latest());
        }
        return snapshots.Select(s =>
        {
            var partitions = s.Partitions.Select(p => new TopicPartition(p.Topic, p.Partition)).ToList();
            var blocking = s.State.IsOpen()
                ? partitions.Where(tp => stable.TryGetValue(tp, out long lso) && high.TryGetValue(tp, out long hw) && lso < hw)
                    .Select(tp => new BlockedPartition(tp.Topic, tp.Partition.Value, stable[tp], high[tp])).ToList()
                : [];
            return new TransactionInfo(s.TransactionalId, s.ProducerId, s.ProducerEpoch, s.State, s.TimeoutMs,
                s.StartTimestampMs >= 0 ? DateTimeOffset.FromUnixTimeMilliseconds(s.StartTimestampMs) : null,
                DateTimeOffset.FromUnixTimeMilliseconds(s.LastUpdateTimestampMs), partitions, blocking);
        }).ToList();
    }
}
