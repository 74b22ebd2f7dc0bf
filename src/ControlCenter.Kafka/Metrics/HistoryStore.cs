namespace ControlCenter.Kafka.Metrics;

/// <summary>
/// Every scope's history on one shared clock. Topic series are sparse: one is made on the
/// topic's first non-zero rate and dropped once all it holds is zeros, and a topic without one
/// reads as zeros wherever the cluster itself has data (the monitor was watching; nothing moved).
/// So memory follows the number of busy topics, not of topics, and at most <c>topicLimit</c>
/// topics and <c>groupLimit</c> groups keep a series: a scope refused at the limit reads as not
/// kept (<see cref="MetricsHistory.Kept"/>) until a slot frees up (a topic falling idle, a group going away).
/// </summary>
internal sealed class HistoryStore(int recentCapacity, int minuteCapacity, int topicLimit = int.MaxValue, int groupLimit = int.MaxValue)
{
    private readonly HistoryClock _clock = new(recentCapacity, minuteCapacity);
    private readonly Dictionary<MetricsScope, MetricSeries> _series = [];
    private readonly HashSet<MetricsScope> _refused = [];
    private readonly int[] _counts = new int[3];
    private readonly Lock _lock = new();

    public int SeriesCount { get { lock (_lock) return _series.Count; } }
    public long Bytes { get { lock (_lock) return _clock.Bytes + _series.Values.Sum(s => s.Bytes); } }

    /// <summary>Starts a tick: values recorded next belong to it. A tick with no values recorded is a gap.</summary>
    public void BeginTick(long timeMs)
    {
        lock (_lock)
            if (_clock.AddTick(timeMs) is not null)
                foreach (var series in _series.Values) series.FoldMinute();
    }

    public void Record(MetricsScope scope, ReadOnlySpan<float> values)
    {
        lock (_lock)
        {
            if (!_series.TryGetValue(scope, out var series))
            {
                if (scope.Kind == ScopeKind.Topic && IsZero(values)) return;
                if (_counts[(int)scope.Kind] >= Limit(scope.Kind))
                {
                    _refused.Add(scope);
                    return;
                }
                _refused.Remove(scope);
                _series[scope] = series = new MetricSeries(_clock, scope.MaxFields);
                _counts[(int)scope.Kind]++;
            }
            series.Add(values);
        }
    }

    /// <summary>Drops series of topics and groups that are gone, and topic series that hold only zeros.</summary>
    public void Prune(Func<MetricsScope, bool> exists, bool dropIdleTopics)
    {
        lock (_lock)
        {
            foreach (var (scope, series) in _series.ToList())
                if (scope.Kind != ScopeKind.Cluster && (!exists(scope) || (dropIdleTopics && scope.Kind == ScopeKind.Topic && series.IsIdle)))
                {
                    _series.Remove(scope);
                    _counts[(int)scope.Kind]--;
                }
            _refused.RemoveWhere(scope => !exists(scope));
        }
    }

    /// <summary>
    /// Gives topics refused at the limit the slots of kept topics that are much quieter (under
    /// half their rate), so the history goes to the busiest topics without flapping near the cut.
    /// </summary>
    public void PreferBusiestTopics(Func<string, double> rate)
    {
        lock (_lock)
        {
            var waiting = _refused.Where(s => s.Kind == ScopeKind.Topic).Select(s => (Scope: s, Rate: rate(s.Name))).Where(w => w.Rate > 0)
                .OrderByDescending(w => w.Rate).ToList();
            if (waiting.Count == 0) return;
            var kept = _series.Keys.Where(s => s.Kind == ScopeKind.Topic).Select(s => (Scope: s, Rate: rate(s.Name))).OrderBy(k => k.Rate).ToList();
            for (int i = 0; i < waiting.Count && i < kept.Count && kept[i].Rate * 2 < waiting[i].Rate; i++)
            {
                // The slot changes hands now (an empty series), or the evicted topic would take it back on its next tick.
                _series.Remove(kept[i].Scope);
                _refused.Add(kept[i].Scope);
                _refused.Remove(waiting[i].Scope);
                _series[waiting[i].Scope] = new MetricSeries(_clock, waiting[i].Scope.MaxFields);
            }
        }
    }

    public MetricsHistory Read(MetricsScope scope, long sinceMs)
    {
        lock (_lock)
        {
            _series.TryGetValue(scope, out var series);
            _series.TryGetValue(MetricsScope.Cluster, out var cluster);
            int width = scope.Fields.Count;
            var recent = new List<HistoryPoint>();
            for (long n = _clock.FirstTick; n < _clock.TickCount; n++)
                if (_clock.TickTime(n) >= sinceMs && Point(series, cluster, scope, n, width, minute: false) is { } values)
                    recent.Add(new HistoryPoint(DateTimeOffset.FromUnixTimeMilliseconds(_clock.TickTime(n)), values));
            var minutes = new List<HistoryPoint>();
            for (long n = _clock.FirstMinute; n < _clock.MinuteCount; n++)
                if (_clock.MinuteTime(n) >= sinceMs && Point(series, cluster, scope, n, width, minute: true) is { } values)
                    minutes.Add(new HistoryPoint(DateTimeOffset.FromUnixTimeMilliseconds(_clock.MinuteTime(n)), values));
            return new MetricsHistory(scope.Key, scope.Fields, recent, minutes, Kept: series is not null || !_refused.Contains(scope));
        }
    }

    /// <summary>
    /// A sample of a series; for a topic with no values there, zeros where the cluster has data and
    /// gaps where it has none; null (left out) for cluster and group samples from before they existed.
    /// </summary>
    private static double?[]? Point(MetricSeries? series, MetricSeries? cluster, MetricsScope scope, long n, int width, bool minute)
    {
        if (series is not null && (minute ? series.Minute(n) : series.Tick(n)) is { } own) return own;
        if (scope.Kind != ScopeKind.Topic || cluster is null) return null;
        var reference = minute ? cluster.Minute(n) : cluster.Tick(n);
        if (reference is null) return null;
        return Enumerable.Repeat(reference[0] is null ? null : (double?)0, width).ToArray();
    }

    private int Limit(ScopeKind kind) => kind switch { ScopeKind.Topic => topicLimit, ScopeKind.Group => groupLimit, _ => int.MaxValue };

    private static bool IsZero(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if (v != 0 && !float.IsNaN(v)) return false;
        return true;
    }
}
