namespace ControlCenter.Kafka.Groups;

public enum GroupSort { Name, State, Members, Lag, LagTime, ConsumeRate }

public sealed record GroupQuery(string? Search = null, GroupSort SortBy = GroupSort.Name, bool Descending = false, int Page = 0, int PageSize = 25);

/// <summary>One row of the groups page.</summary>
public sealed record GroupRow(GroupLag Lag, double? ConsumedRecordsPerSec)
{
    public string GroupId => Lag.Group.GroupId;
}

public sealed record GroupPage(IReadOnlyList<GroupRow> Rows, int Total);

public sealed record GroupPartitionPage(IReadOnlyList<PartitionLag> Rows, int Total);

/// <summary>The groups page's server side: search (group or topic), sort and paging over the monitor's lag table.</summary>
public static class GroupList
{
    public static GroupPage Query(IReadOnlyDictionary<string, GroupLag> groups, GroupQuery query, Func<string, double?>? consumeRate = null)
    {
        IEnumerable<GroupLag> matching = groups.Values;
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            string search = query.Search.Trim();
            matching = matching.Where(g => g.Group.GroupId.Contains(search, StringComparison.OrdinalIgnoreCase)
                                           || g.Group.Topics.Any(t => t.Contains(search, StringComparison.OrdinalIgnoreCase)));
        }
        var rows = matching.Select(g => new GroupRow(g, consumeRate?.Invoke(g.Group.GroupId))).ToList();
        Func<GroupRow, object?> key = query.SortBy switch
        {
            GroupSort.State => r => r.Lag.Group.State,
            GroupSort.Members => r => r.Lag.Group.Members.Count,
            GroupSort.Lag => r => r.Lag.TotalLag,
            GroupSort.LagTime => r => r.Lag.MaxLagTime ?? TimeSpan.MinValue,
            GroupSort.ConsumeRate => r => r.ConsumedRecordsPerSec ?? -1,
            _ => r => r.GroupId,
        };
        var ordered = query.SortBy == GroupSort.Name
            ? (query.Descending ? rows.OrderByDescending(r => r.GroupId, StringComparer.Ordinal) : rows.OrderBy(r => r.GroupId, StringComparer.Ordinal))
            : (query.Descending ? rows.OrderByDescending(key) : rows.OrderBy(key)).ThenBy(r => r.GroupId, StringComparer.Ordinal);
        int pageSize = Math.Clamp(query.PageSize, 1, 1000);
        return new GroupPage(ordered.Skip(Math.Max(0, query.Page) * pageSize).Take(pageSize).ToList(), rows.Count);
    }

    /// <summary>A page of a group's partitions (of one topic, or all), in topic and partition order or with the most lag first.</summary>
    public static GroupPartitionPage Partitions(GroupLag lag, string? topic, bool mostLagFirst, int page, int pageSize)
    {
        IEnumerable<PartitionLag> rows = lag.Partitions;
        if (!string.IsNullOrEmpty(topic)) rows = rows.Where(p => p.Topic == topic);
        var list = rows.ToList();
        IEnumerable<PartitionLag> ordered = mostLagFirst
            ? list.OrderByDescending(p => p.LagRecords ?? -1).ThenBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition)
            : list; // already in topic, partition order
        pageSize = Math.Clamp(pageSize, 1, 1000);
        return new GroupPartitionPage(ordered.Skip(Math.Max(0, page) * pageSize).Take(pageSize).ToList(), list.Count);
    }
}
