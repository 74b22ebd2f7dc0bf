using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Metrics;
using ControlCenter.Kafka.Topics;

namespace ControlCenter.Kafka.Segments;

/// <summary>
/// What the Segments tab shows for one partition at a time: the listing, the retention
/// forecast, one page of the table (newest first, with header statistics for those rows only)
/// and the segment drilled into. It re-lists on its own when the partition's watermarks move
/// (appends, retention, purge), at most every <see cref="FollowInterval"/>. A plain class: the
/// page renders it, tests drive it against a broker's log dir.
/// </summary>
public sealed class SegmentsView(SegmentService segments, ITopicAdmin topics, IClusterState cluster, LiveMetrics metrics, string topic) : IDisposable
{
    public const int PageSize = 25;
    public static readonly TimeSpan FollowInterval = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _cts = new();
    private (long Low, long High) _listedAt = (-2, -2);
    private DateTimeOffset _lastList = DateTimeOffset.MinValue;

    public string Topic => topic;
    public int Partition { get; private set; }
    public PartitionLogView? Log { get; private set; }
    public SegmentForecast? Forecast { get; private set; }
    public RetentionSettings Settings { get; private set; } = RetentionSettings.KafkaDefaults;
    public IReadOnlyDictionary<long, SegmentStats> Stats { get; private set; } = new Dictionary<long, SegmentStats>();
    public SegmentOverview? Selected { get; private set; }
    public int Page { get; private set; }
    public bool Loading { get; private set; }
    public bool Follow { get; set; } = true;

    /// <summary>The partition as the monitor last read it (watermarks), if it did.</summary>
    public PartitionSnapshot? Watermarks => cluster.Snapshot?.Topics.GetValueOrDefault(topic)?.Partitions.FirstOrDefault(p => p.Partition == Partition);
    public long HighWatermark => Watermarks?.HighWatermark ?? Log?.Active?.NextOffset ?? 0;
    public long LogStartOffset => Watermarks?.LowWatermark ?? Log?.Segments.FirstOrDefault()?.BaseOffset ?? 0;
    public int PageCount => Log is null ? 0 : (Log.Segments.Count + PageSize - 1) / PageSize;
    public string PolicyText => (Settings.Delete, Settings.Compact) switch { (true, true) => "compact, delete", (false, true) => "compact", _ => "delete" };

    /// <summary>The page on screen, newest first (segments are listed oldest first).</summary>
    public IReadOnlyList<SegmentOverview> PageRows
    {
        get
        {
            if (Log is null) return [];
            var rows = new List<SegmentOverview>(PageSize);
            for (int i = Log.Segments.Count - 1 - Page * PageSize; i >= 0 && rows.Count < PageSize; i--) rows.Add(Log.Segments[i]);
            return rows;
        }
    }

    /// <summary>Reads the topic's retention settings (Kafka's defaults when the cluster will not say) and lists partition 0.</summary>
    /// <summary>Reads the topic's retention settings and lists <paramref name="partition"/> (from the URL; 0 by default).</summary>
    public async Task InitializeAsync(int partition = 0)
    {
        Partition = partition;
        try { Settings = RetentionSettings.From(await topics.DescribeConfigsAsync(topic)); }
        catch (ClusterException) { /* defaults: the forecast says it assumes them */ }
        await ListAsync(force: true);
    }

    public async Task SelectPartitionAsync(int partition)
    {
        Partition = partition;
        Selected = null;
        Page = 0;
        Log = null;
        await ListAsync(force: true);
    }

    /// <summary>After a monitor tick: re-lists when following and the watermarks moved; true when it did.</summary>
    public async Task<bool> OnClusterChangedAsync()
    {
        if (!Follow || Loading || Watermarks is not { } p || (p.LowWatermark, p.HighWatermark) == _listedAt) return false;
        if (segments.Time.GetUtcNow() - _lastList < FollowInterval) return false;
        await ListAsync(force: false);
        return true;
    }

    /// <summary>Lists the partition's segments, forecasts retention and loads the statistics of the page on screen.</summary>
    public async Task ListAsync(bool force)
    {
        Loading = true;
        try
        {
            var marks = Watermarks is { } p ? (p.LowWatermark, p.HighWatermark) : (-1, -1);
            var log = await segments.ListAsync(topic, Partition, _cts.Token);
            _lastList = segments.Time.GetUtcNow();
            _listedAt = marks;
            Log = log;
            if (log is null) { Forecast = null; return; }
            double? bytesPerSec = metrics.Latest.Topics.GetValueOrDefault(topic)?.Partitions.FirstOrDefault(r => r.Partition == Partition)?.BytesPerSec;
            Forecast = RetentionForecaster.Forecast(log, HighWatermark, Settings, _lastList, bytesPerSec);
            Page = Math.Clamp(Page, 0, Math.Max(0, PageCount - 1));
            if (Selected is { } s) Selected = log.Segments.FirstOrDefault(x => x.BaseOffset == s.BaseOffset); // gone after retention: closes
            await LoadStatsAsync(force);
        }
        catch (OperationCanceledException) { }
        finally { Loading = false; }
    }

    private async Task LoadStatsAsync(bool force)
    {
        var rows = PageRows;
        if (force) Stats = Stats.Where(kv => rows.Any(r => r.BaseOffset == kv.Key)).ToDictionary();
        var stats = await segments.StatsAsync(topic, Partition, rows, _cts.Token);
        if (stats is not null) Stats = stats.ToDictionary();
    }

    public async Task SetPageAsync(int page)
    {
        Page = Math.Clamp(page, 0, Math.Max(0, PageCount - 1));
        await LoadStatsAsync(force: true);
    }

    public void Select(long? baseOffset) => Selected = baseOffset is { } b ? Log?.Segments.FirstOrDefault(s => s.BaseOffset == b) : null;

    /// <summary>Due to go at the next retention pass (as forecast), or already below the log start offset.</summary>
    public bool IsDue(SegmentOverview segment) =>
        Forecast?.Next is { DueNow: true } cut && segment.NextOffset is { } next && next <= cut.CutOffset && !(segment.IsActive && segment.IsEmpty)
        || (Watermarks is { } p && segment.NextOffset is { } n && n <= p.LowWatermark && !segment.IsActive);

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }
}
