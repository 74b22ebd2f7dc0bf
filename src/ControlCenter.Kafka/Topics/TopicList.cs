using System.Runtime.CompilerServices;
using ControlCenter.Kafka.Cluster;

namespace ControlCenter.Kafka.Topics;

public enum TopicSort { Name, Partitions, Replication, Size, Messages, ProduceRate }

public sealed record TopicQuery(string? Search = null, bool ShowInternal = false, TopicSort SortBy = TopicSort.Name, bool Descending = false, int Page = 0, int PageSize = 25);

/// <summary>One row of the topics page.</summary>
public sealed record TopicRow(string Name, bool IsInternal, int Partitions, int ReplicationFactor, int UnderReplicated, int Offline,
    long? SizeBytes, long Messages, double? RecordsPerSecond);

public sealed record TopicPage(IReadOnlyList<TopicRow> Rows, int Total);

/// <summary>
/// The topics page's server side: search, sort and paging over the monitor's snapshot, so a
/// page load costs no admin request at all, whatever the number of topics. A snapshot's rows
/// (sums over every partition) are computed once and shared by every page showing it.
/// </summary>
public static class TopicList
{
    private static readonly ConditionalWeakTable<ClusterSnapshot, TopicRow[]> Rows = new();

    public static TopicPage Query(ClusterSnapshot? snapshot, TopicQuery query, Func<string, double?>? rate = null)
    {
        if (snapshot is null) return new TopicPage([], 0);
        IEnumerable<TopicRow> rows = Rows.GetValue(snapshot, BuildRows);
        if (!query.ShowInternal) rows = rows.Where(r => !r.IsInternal);
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            string search = query.Search.Trim();
            rows = rows.Where(r => r.Name.Contains(search, StringComparison.OrdinalIgnoreCase));
        }
        var matching = rate is null ? rows.ToList() : rows.Select(r => r with { RecordsPerSecond = rate(r.Name) }).ToList();
        Func<TopicRow, object?> key = query.SortBy switch
        {
            TopicSort.Partitions => r => r.Partitions,
            TopicSort.Replication => r => r.ReplicationFactor,
            TopicSort.Size => r => r.SizeBytes ?? -1,
            TopicSort.Messages => r => r.Messages,
            TopicSort.ProduceRate => r => r.RecordsPerSecond ?? -1,
            _ => r => r.Name,
        };
        var ordered = query.SortBy == TopicSort.Name
            ? (query.Descending ? matching.OrderByDescending(r => r.Name, StringComparer.Ordinal) : matching.OrderBy(r => r.Name, StringComparer.Ordinal))
            : (query.Descending ? matching.OrderByDescending(key) : matching.OrderBy(key)).ThenBy(r => r.Name, StringComparer.Ordinal);
        int pageSize = Math.Clamp(query.PageSize, 1, 1000);
        return new TopicPage(ordered.Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize).ToList(), matching.Count);
    }

    private static TopicRow[] BuildRows(ClusterSnapshot snapshot) =>
        snapshot.Topics.Values.Select(t => new TopicRow(t.Name, t.IsInternal, t.Partitions.Count, t.ReplicationFactor,
            t.UnderReplicatedPartitions, t.OfflinePartitions, t.SizeBytes, t.Records, null)).ToArray();
}
