using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Groups;
using Microsoft.Extensions.Options;

namespace ControlCenter.Kafka.Metrics;

/// <summary>
/// Live throughput and lag, derived by the cluster monitor on each tick from what it reads
/// anyway (watermarks, log-dir sizes, committed offsets), with bounded history: every tick
/// for the last 15 minutes and one point a minute for the last 24 hours. Pages and the SignalR
/// hub read from here; nothing here talks to the cluster.
/// </summary>
public sealed class LiveMetrics : ITopicRates
{
    public static readonly TimeSpan RecentSpan = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan MinuteSpan = TimeSpan.FromHours(24);
    private const int TopTopicCount = 10;

    private readonly ProduceRates _produce = new();
    private readonly ConsumeRates _consume = new();
    private readonly HistoryStore _history;
    private long _lastPruneMinute;

    private readonly TimeProvider _time;

    public LiveMetrics(IOptions<MonitorOptions> options, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        int recent = (int)Math.Clamp(RecentSpan.TotalMilliseconds / Math.Max(options.Value.IntervalMs, 1), 60, 20_000);
        _history = new HistoryStore(recent, (int)MinuteSpan.TotalMinutes, Math.Max(0, options.Value.HistoryTopicLimit), Math.Max(0, options.Value.HistoryGroupLimit));
    }

    /// <summary>The last tick's metrics (<see cref="MetricsSnapshot.Empty"/> before the first).</summary>
    public MetricsSnapshot Latest { get; private set; } = MetricsSnapshot.Empty;

    /// <summary>Raised on the monitor's thread after each tick; handlers must be quick.</summary>
    public event Action<MetricsSnapshot>? Updated;

    /// <summary>Memory held by the history arrays, and how many series there are (diagnostics, benchmarks).</summary>
    public long HistoryBytes => _history.Bytes;
    public int HistorySeries => _history.SeriesCount;

    public MetricsHistory History(MetricsScope scope, TimeSpan? window = null) =>
        _history.Read(scope, window is { } w ? _time.GetUtcNow().Add(-w).ToUnixTimeMilliseconds() : long.MinValue);

    public double? RecordsPerSecond(string topic) => Latest.Topics.GetValueOrDefault(topic)?.RecordsPerSec;

    public double? RecordsPerSecond(string topic, int partition) =>
        Latest.Topics.GetValueOrDefault(topic)?.Partitions is { } parts
            ? (partition < parts.Count && parts[partition].Partition == partition ? parts[partition] : parts.FirstOrDefault(p => p.Partition == partition))?.RecordsPerSec
            : null;

    /// <summary>Called by the monitor when the cluster could not be read: a gap in every history.</summary>
    public void MarkUnreachable(DateTimeOffset now)
    {
        _produce.Reset();
        _consume.Reset();
        _history.BeginTick(now.ToUnixTimeMilliseconds()); // a tick with no values: a gap in every series
    }

    /// <summary>Called by the monitor after each successful tick.</summary>
    public void Update(ClusterSnapshot snapshot, IReadOnlyDictionary<string, GroupLag> lags)
    {
        var now = snapshot.ReadAt;
        var produce = _produce.Compute(snapshot);
        _consume.Update(lags.Values.Select(l => l.Group));

        var groups = new Dictionary<string, GroupMetrics>(lags.Count, StringComparer.Ordinal);
        var consumersByTopic = new Dictionary<string, List<TopicConsumer>>(StringComparer.Ordinal);
        foreach (var (id, lag) in lags)
        {
            var group = GroupMetricsOf(lag, _consume.For(id), snapshot);
            groups[id] = group;
            foreach (var byTopic in group.Partitions.GroupBy(p => p.Topic))
            {
                if (!consumersByTopic.TryGetValue(byTopic.Key, out var list)) consumersByTopic[byTopic.Key] = list = [];
                list.Add(new TopicConsumer(id, SumOrNull(byTopic.Select(p => p.RecordsPerSec)), byTopic.Sum(p => p.Lag ?? 0)));
            }
        }

        var topics = new Dictionary<string, TopicMetrics>(snapshot.Topics.Count, StringComparer.Ordinal);
        foreach (var (name, topic) in snapshot.Topics)
        {
            var rates = produce[name];
            topics[name] = new TopicMetrics(now, name, rates.RecordsPerSec, rates.BytesPerSec, topic.Partitions.Sum(p => Math.Max(0, p.HighWatermark)),
                topic.Records, rates.Partitions, consumersByTopic.GetValueOrDefault(name) ?? []);
        }

        var user = topics.Values.Where(t => !snapshot.Topics[t.Topic].IsInternal).ToList();
        bool first = user.Count > 0 && user.All(t => t.RecordsPerSec is null);
        var cluster = new ClusterMetrics(now,
            first ? null : user.Sum(t => t.RecordsPerSec ?? 0),
            first || user.Any(t => t.RecordsPerSec > 0 && t.BytesPerSec is null) ? null : user.Sum(t => t.BytesPerSec ?? 0),
            groups.Count == 0 ? 0 : SumOrNull(groups.Values.Select(g => g.ConsumedRecordsPerSec)),
            groups.Count == 0 ? 0 : SumOrNull(groups.Values.Select(g => g.ConsumedBytesPerSec)),
            user.Sum(t => t.EndOffsets), groups.Values.Sum(g => g.LagRecords), user.Count, user.Sum(t => t.Partitions.Count), groups.Count,
            user.Where(t => t.RecordsPerSec > 0).OrderByDescending(t => t.RecordsPerSec).Take(TopTopicCount)
                .Select(t => new TopicRate(t.Topic, t.RecordsPerSec!.Value, t.BytesPerSec)).ToList());

        Record(cluster, topics.Values, groups.Values, now);
        Latest = new MetricsSnapshot(cluster, topics, groups);
        Updated?.Invoke(Latest);
    }

    private static GroupMetrics GroupMetricsOf(GroupLag lag, IReadOnlyDictionary<(string Topic, int Partition), double>? rates, ClusterSnapshot snapshot)
    {
        double? bytes = rates is null ? null : 0;
        var partitions = lag.Partitions.Select(p =>
        {
            double? rate = rates is null ? null : rates.GetValueOrDefault((p.Topic, p.Partition));
            // Consumed bytes/s: the records consumed times that partition's average record size on disk.
            if (rate > 0)
            {
                var topic = snapshot.Topics.GetValueOrDefault(p.Topic);
                var partition = topic?.Partitions.FirstOrDefault(x => x.Partition == p.Partition);
                double? perRecord = partition is null ? null : ProduceRates.AverageRecordSize(topic!, partition);
                bytes = perRecord is null || bytes is null ? null : bytes + rate * perRecord;
            }
            return new GroupPartitionMetrics(p.Topic, p.Partition, p.Committed, p.LogEndOffset, p.LagRecords, p.LagTime?.TotalSeconds, rate);
        }).ToList();
        return new GroupMetrics(snapshot.ReadAt, lag.Group.GroupId, lag.Group.State, lag.TotalLag, lag.MaxLagTime?.TotalSeconds,
            SumOrNull(partitions.Select(p => p.RecordsPerSec)), bytes, partitions);
    }

    private void Record(ClusterMetrics cluster, IEnumerable<TopicMetrics> topics, IEnumerable<GroupMetrics> groups, DateTimeOffset now)
    {
        long ms = now.ToUnixTimeMilliseconds();
        _history.BeginTick(ms);
        _history.Record(MetricsScope.Cluster, [F(cluster.ProducedRecordsPerSec), F(cluster.ProducedBytesPerSec),
            F(cluster.ConsumedRecordsPerSec), F(cluster.ConsumedBytesPerSec), cluster.TotalLag]);
        foreach (var t in topics) _history.Record(MetricsScope.Topic(t.Topic), [F(t.RecordsPerSec), F(t.BytesPerSec)]);
        foreach (var g in groups) _history.Record(MetricsScope.Group(g.Group), [g.LagRecords, F(g.LagSeconds), F(g.ConsumedRecordsPerSec)]);

        // Once a minute: drop the history of deleted topics and groups, and of topics that only hold zeros.
        long minute = ms / 60_000;
        if (minute == _lastPruneMinute) return;
        _lastPruneMinute = minute;
        var topicNames = topics.Select(t => t.Topic).ToHashSet(StringComparer.Ordinal);
        var groupIds = groups.Select(g => g.Group).ToHashSet(StringComparer.Ordinal);
        _history.Prune(s => s.Kind == ScopeKind.Topic ? topicNames.Contains(s.Name) : groupIds.Contains(s.Name), dropIdleTopics: true);
        var rates = topics.ToDictionary(t => t.Topic, t => t.RecordsPerSec ?? 0, StringComparer.Ordinal);
        _history.PreferBusiestTopics(name => rates.GetValueOrDefault(name));
    }

    private static float F(double? value) => value is { } v ? (float)v : float.NaN;

    private static double? SumOrNull(IEnumerable<double?> values)
    {
        double sum = 0;
        foreach (var v in values)
        {
            if (v is null) return null;
            sum += v.Value;
        }
        return sum;
    }
}
