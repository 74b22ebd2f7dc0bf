using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Metrics;

namespace ControlCenter.Kafka.Topics;

public enum PartitionSort { Partition, Leader, Records, Size, ProduceRate }

public sealed record PartitionQuery(PartitionSort SortBy = PartitionSort.Partition, bool Descending = false, bool OnlyUnhealthy = false, int Page = 0, int PageSize = 50);

/// <summary>One row of a topic's Partitions tab: placement, watermarks, size and live rates.</summary>
public sealed record PartitionRow(PartitionSnapshot Partition, double? RecordsPerSec, double? BytesPerSec);

public sealed record PartitionPage(IReadOnlyList<PartitionRow> Rows, int Total);

/// <summary>
/// A topic's partitions a page at a time (a topic can have ten thousand): sorting and paging
/// over the monitor's snapshot, so a page renders only its own rows.
/// </summary>
public static class PartitionList
{
    public static PartitionPage Query(TopicSnapshot topic, PartitionQuery query, TopicMetrics? rates)
    {
        IEnumerable<PartitionSnapshot> partitions = topic.Partitions;
        if (query.OnlyUnhealthy) partitions = partitions.Where(p => p.IsOffline || p.IsUnderReplicated);
        var byPartition = rates?.Partitions.ToDictionary(r => r.Partition);
        var rows = partitions.Select(p =>
        {
            var rate = byPartition?.GetValueOrDefault(p.Partition);
            return new PartitionRow(p, rate?.RecordsPerSec, rate?.BytesPerSec);
        }).ToList();
        Func<PartitionRow, long> key = query.SortBy switch
        {
            PartitionSort.Leader => r => r.Partition.Leader,
            PartitionSort.Records => r => r.Partition.Records,
            PartitionSort.Size => r => r.Partition.SizeBytes ?? -1,
            PartitionSort.ProduceRate => r => (long)((r.RecordsPerSec ?? -1) * 1000),
            _ => r => r.Partition.Partition,
        };
        var ordered = (query.Descending ? rows.OrderByDescending(key) : rows.OrderBy(key)).ThenBy(r => r.Partition.Partition);
        int pageSize = Math.Clamp(query.PageSize, 1, 1000);
        return new PartitionPage(ordered.Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize).ToList(), rows.Count);
    }
}
