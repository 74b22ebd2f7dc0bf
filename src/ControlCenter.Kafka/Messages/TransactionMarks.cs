using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Cluster;

namespace ControlCenter.Kafka.Messages;

/// <summary>
/// What a read_uncommitted page shows that read_committed consumers do not: records of aborted
/// transactions, records above the last stable offset (an open transaction's, or written after
/// it began), and the offsets no record was delivered for (transaction markers, or records a
/// compaction removed). Clients never see the batch attributes, so this compares the page with
/// what a read_committed consumer gets for the same offsets.
/// </summary>
public sealed record TransactionMarks(
    IReadOnlySet<(int Partition, long Offset)> Aborted,
    IReadOnlySet<(int Partition, long Offset)> AboveStable,
    IReadOnlyList<(int Partition, long Offset)> Markers)
{
    public static readonly TransactionMarks None = new(new HashSet<(int, long)>(), new HashSet<(int, long)>(), []);

    public bool IsEmpty => Aborted.Count == 0 && AboveStable.Count == 0 && Markers.Count == 0;

    /// <summary>How a record of the page stands for read_committed readers; null when they see it too.</summary>
    public string? Of(KafkaMessage m) =>
        Aborted.Contains((m.Partition, m.Offset)) ? "aborted" : AboveStable.Contains((m.Partition, m.Offset)) ? "not yet committed" : null;

    internal static async Task<TransactionMarks> ComputeAsync(string topic, IReadOnlyList<KafkaMessage> page, ClusterAdmin admin,
        Func<IConsumer<byte[]?, byte[]?>> committedReader, TimeSpan budget)
    {
        if (page.Count == 0) return None;
        var windows = page.GroupBy(m => m.Partition).ToDictionary(g => g.Key, g => g.Select(m => m.Offset).Order().ToList());
        var gaps = windows.SelectMany(w => Gaps(w.Value).Select(o => (w.Key, o))).ToList();
        var stable = await admin.ListOffsetsAsync(windows.Keys.Select(p => new TopicPartition(topic, p)).ToList(), OffsetSpec.Latest(), IsolationLevel.ReadCommitted);
        long Lso(int p) => stable.TryGetValue(new TopicPartition(topic, p), out long o) ? o : long.MaxValue;
        // No gap and everything below the LSO: no transaction touched these offsets, nothing to compare.
        var suspicious = windows.Where(w => Gaps(w.Value).Any() || w.Value[^1] >= Lso(w.Key)).Select(w => w.Key).ToList();
        if (suspicious.Count == 0) return None;

        var above = page.Where(m => m.Offset >= Lso(m.Partition)).Select(m => (m.Partition, m.Offset)).ToHashSet();
        var committed = await Task.Run(() => ReadCommittedOffsets(topic, suspicious.ToDictionary(p => p, p => (windows[p][0], Math.Min(windows[p][^1] + 1, Lso(p)))), committedReader, budget));
        var aborted = page.Where(m => suspicious.Contains(m.Partition) && m.Offset < Lso(m.Partition) && !committed.Contains((m.Partition, m.Offset)))
            .Select(m => (m.Partition, m.Offset)).ToHashSet();
        return new TransactionMarks(aborted, above, gaps);
    }

    private static IEnumerable<long> Gaps(List<long> offsets)
    {
        for (int i = 1; i < offsets.Count; i++)
            for (long o = offsets[i - 1] + 1; o < offsets[i]; o++) yield return o;
    }

    /// <summary>The offsets a read_committed consumer gets in [from, until) of each partition.</summary>
    private static HashSet<(int, long)> ReadCommittedOffsets(string topic, Dictionary<int, (long From, long Until)> windows,
        Func<IConsumer<byte[]?, byte[]?>> committedReader, TimeSpan budget)
    {
        var found = new HashSet<(int, long)>();
        var open = windows.Where(w => w.Value.From < w.Value.Until).Select(w => w.Key).ToHashSet();
        if (open.Count == 0) return found;
        using var consumer = committedReader();
        consumer.Assign(open.Select(p => new TopicPartitionOffset(topic, p, windows[p].From)));
        var elapsed = System.Diagnostics.Stopwatch.StartNew(); // an I/O budget: real time
        while (open.Count > 0 && elapsed.Elapsed < budget)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null) continue;
            int p = r.Partition.Value;
            if (!r.IsPartitionEOF && r.Offset.Value < windows[p].Until) found.Add((p, r.Offset.Value));
            if (r.IsPartitionEOF || r.Offset.Value + 1 >= windows[p].Until) open.Remove(p);
        }
        return found;
    }
}
