using ControlCenter.Kafka.Cluster;

namespace ControlCenter.Kafka.Groups;

/// <summary>
/// Keeps the groups read on the slower group tick and turns them into lag on every monitor
/// tick: records = log end offset − committed offset (never negative), time = age of the first
/// record not yet consumed (0 when caught up, also when only gaps or markers remain).
/// </summary>
public sealed class GroupLagTracker(GroupReader reader, RecordTimestamps timestamps, TimeProvider time)
{
    private static readonly TimeSpan ProbeBudget = TimeSpan.FromSeconds(2);
    private Dictionary<string, GroupSnapshot> _groups = new(StringComparer.Ordinal);
    private Dictionary<(string Topic, int Partition, long Offset), DateTimeOffset> _firstUnconsumed = [];
    private readonly Dictionary<(string Group, string Topic, int Partition), (long Offset, DateTimeOffset Seen)> _commits = [];

    public IReadOnlyDictionary<string, GroupSnapshot> Groups => _groups;
    public DateTimeOffset? ReadAt { get; private set; }

    /// <summary>Reads every group and the timestamps the lag-in-time needs.</summary>
    public async Task RefreshAsync(ClusterSnapshot cluster, CancellationToken cancellation)
    {
        var groups = await reader.ReadAllAsync(cancellation);
        var now = time.GetUtcNow();
        foreach (var g in groups.Values)
            foreach (var ((topic, partition), offset) in g.Committed)
            {
                var key = (g.GroupId, topic, partition);
                // The protocol does not give commit times: remember when a new offset was first seen.
                // On the first read after start-up nobody knows when the offsets were committed.
                if (!_commits.TryGetValue(key, out var known) || known.Offset != offset)
                    _commits[key] = (offset, ReadAt is null ? default : now);
            }
        foreach (var stale in _commits.Keys.Where(k => !groups.ContainsKey(k.Group)).ToList()) _commits.Remove(stale);

        var behind = groups.Values.SelectMany(g => g.Committed)
            .Where(c => High(cluster, c.Key.Topic, c.Key.Partition) is long high && c.Value < high)
            .Select(c => (c.Key.Topic, c.Key.Partition, c.Value)).Distinct().ToList();
        _firstUnconsumed = behind.Count == 0 ? [] : await timestamps.ReadAsync(behind, ProbeBudget);
        _groups = groups;
        ReadAt = now;
    }

    private static long? High(ClusterSnapshot? cluster, string topic, int partition) =>
        cluster?.Topics.GetValueOrDefault(topic)?.Partitions.FirstOrDefault(p => p.Partition == partition) is { HighWatermark: >= 0 } p ? p.HighWatermark : null;

    /// <summary>Lag of every group against the latest watermarks.</summary>
    public Dictionary<string, GroupLag> Compute(ClusterSnapshot? cluster, DateTimeOffset now) =>
        _groups.Values.ToDictionary(g => g.GroupId, g => Compute(g, cluster, now), StringComparer.Ordinal);

    public GroupLag Compute(GroupSnapshot group, ClusterSnapshot? cluster, DateTimeOffset now)
    {
        var keys = group.Committed.Keys.Concat(group.Members.SelectMany(m => m.Assignment)).Distinct()
            .OrderBy(k => k.Topic, StringComparer.Ordinal).ThenBy(k => k.Partition);
        var rows = new List<PartitionLag>();
        foreach (var (topic, partition) in keys)
        {
            var p = cluster?.Topics.GetValueOrDefault(topic)?.Partitions.FirstOrDefault(x => x.Partition == partition);
            long end = p?.HighWatermark ?? -1, start = p?.LowWatermark ?? -1;
            long? committed = group.Committed.TryGetValue((topic, partition), out long c) ? c : null;
            long? lag = committed is { } co && end >= 0 ? Math.Max(0, end - co) : null;
            TimeSpan? lagTime = lag == 0 ? TimeSpan.Zero : null;
            if (lag > 0 && _firstUnconsumed.TryGetValue((topic, partition, committed!.Value), out var ts))
            {
                if (ts == RecordTimestamps.CaughtUp) { lag = 0; lagTime = TimeSpan.Zero; } // only markers or compacted gaps left
                else lagTime = now > ts ? now - ts : TimeSpan.Zero;
            }
            DateTimeOffset? seen = _commits.TryGetValue((group.GroupId, topic, partition), out var commit) && commit.Seen != default ? commit.Seen : null;
            rows.Add(new PartitionLag(topic, partition, committed, end, start, lag, lagTime, seen, group.OwnerOf(topic, partition)));
        }
        return new GroupLag(group, rows);
    }
}
