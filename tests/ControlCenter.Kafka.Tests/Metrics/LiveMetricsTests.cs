using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Groups;
using ControlCenter.Kafka.Metrics;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ControlCenter.Kafka.Tests.Metrics;

/// <summary>
/// The history's arithmetic with a simulated clock: a day and more of ticks in a second. The
/// snapshots are inputs the monitor would have read; what is checked is what the history keeps.
/// </summary>
public class LiveMetricsTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlyDictionary<string, GroupLag> NoGroups = new Dictionary<string, GroupLag>();

    private static LiveMetrics Create(int intervalMs = 1000) => new(Options.Create(new MonitorOptions { IntervalMs = intervalMs }));

    /// <summary>A cluster with topics "busy" (2 partitions) and "idle" (1); busy's watermarks at <paramref name="busyEnd"/> per partition.</summary>
    private static ClusterSnapshot Snapshot(DateTimeOffset at, long busyEnd, params string[] extraTopics)
    {
        var topics = new Dictionary<string, TopicSnapshot>
        {
            ["busy"] = new("busy", false, [Partition(0, busyEnd), Partition(1, busyEnd)]),
            ["idle"] = new("idle", false, [Partition(0, 5)]),
        };
        foreach (var t in extraTopics) topics[t] = new(t, false, [Partition(0, 0)]);
        var overview = new ClusterOverview("cluster", 1, [], [], at);
        return new ClusterSnapshot(overview, topics, true, at);
    }

    private static PartitionSnapshot Partition(int id, long end) => new(id, 1, [1], [1], 0, end, end * 150) { BytesPerRecord = 150 };

    [Fact]
    public void RatesComeFromWatermarkMovementAndBytesFromTheRecordSize()
    {
        var metrics = Create();
        metrics.Update(Snapshot(Start, 0), NoGroups);
        Assert.Null(metrics.Latest.Cluster.ProducedRecordsPerSec); // one tick: no rate yet
        metrics.Update(Snapshot(Start.AddSeconds(2), 100), NoGroups);
        var busy = metrics.Latest.Topics["busy"];
        Assert.Equal(100, busy.RecordsPerSec); // 2 partitions × 100 records in 2 s
        Assert.Equal(100 * 150, busy.BytesPerSec);
        Assert.Equal([50.0, 50.0], busy.Partitions.Select(p => p.RecordsPerSec!.Value));
        Assert.Equal(0, metrics.Latest.Topics["idle"].RecordsPerSec);
        Assert.Equal(100, metrics.Latest.Cluster.ProducedRecordsPerSec);
        Assert.Equal(205, metrics.Latest.Cluster.EndOffsets);
        Assert.Equal("busy", Assert.Single(metrics.Latest.Cluster.TopTopics).Topic);
        Assert.Equal(100, metrics.RecordsPerSecond("busy"));
        Assert.Equal(50, metrics.RecordsPerSecond("busy", 1));
    }

    [Fact]
    public void HistoryIsBoundedAndFoldsMinutes()
    {
        var metrics = Create();
        long end = 0;
        var at = Start;
        long bytesAfterAnHour = 0;
        for (int tick = 0; tick < 26 * 3600; tick++)
        {
            // 10 records/s for the first 30 s of every minute, 0 for the rest: minute means of 5/s.
            if (at.Second < 30) end += 10;
            metrics.Update(Snapshot(at, end), NoGroups);
            at = at.AddSeconds(1);
            if (tick == 3600) bytesAfterAnHour = metrics.HistoryBytes;
        }
        var history = metrics.History(MetricsScope.Topic("busy"));
        Assert.Equal(15 * 60, history.Recent.Count); // 15 min at 1 s
        Assert.Equal(24 * 60, history.Minutes.Count); // 24 h at 1 min
        Assert.Equal(metrics.HistoryBytes, bytesAfterAnHour); // allocated once, never grows
        Assert.Equal(2, metrics.HistorySeries); // the cluster and "busy": "idle" never moved, so it holds nothing
        Assert.All(history.Minutes.Skip(1), p => Assert.Equal(2 * 5.0, p.Values[0]!.Value, 3)); // 2 partitions
        Assert.Equal(history.Minutes.Select(p => p.Time).Order(), history.Minutes.Select(p => p.Time));
        Assert.All(history.Minutes.Zip(history.Minutes.Skip(1)), pair => Assert.Equal(TimeSpan.FromMinutes(1), pair.Second.Time - pair.First.Time));

        var idle = metrics.History(MetricsScope.Topic("idle"));
        Assert.Equal(history.Recent.Count, idle.Recent.Count); // zeros at the cluster's sample times
        Assert.All(idle.Recent, p => Assert.Equal(0, p.Values[0]));
    }

    [Fact]
    public void AnOutageLeavesAGapAndNoRateIsComputedAcrossIt()
    {
        var metrics = Create();
        metrics.Update(Snapshot(Start, 0), NoGroups);
        metrics.Update(Snapshot(Start.AddSeconds(1), 10), NoGroups);
        metrics.MarkUnreachable(Start.AddSeconds(2));
        metrics.MarkUnreachable(Start.AddSeconds(3));
        Assert.Equal([null, 20, null, null], metrics.History(MetricsScope.Cluster).Recent.Select(p => p.Values[0])); // while it lasts, too
        metrics.Update(Snapshot(Start.AddSeconds(60), 1000), NoGroups); // back: the first tick has nothing to compare with
        Assert.Null(metrics.Latest.Topics["busy"].RecordsPerSec);
        metrics.Update(Snapshot(Start.AddSeconds(61), 1010), NoGroups);
        Assert.Equal(20, metrics.Latest.Topics["busy"].RecordsPerSec);

        var recent = metrics.History(MetricsScope.Cluster).Recent;
        Assert.Equal([null, 20, null, null, null, 20], recent.Select(p => p.Values[0]));
    }

    [Fact]
    public void TopicsThatFellSilentForADayLoseTheirHistory()
    {
        var metrics = Create(intervalMs: 60_000); // one tick a minute: a day passes quickly
        long end = 0;
        var at = Start;
        for (int minute = 0; minute < 10; minute++, at = at.AddMinutes(1)) metrics.Update(Snapshot(at, end += 60, "doomed"), NoGroups);
        Assert.Equal(2, metrics.HistorySeries);
        for (int minute = 0; minute < 25 * 60; minute++, at = at.AddMinutes(1)) metrics.Update(Snapshot(at, end, "doomed"), NoGroups);
        Assert.Equal(1, metrics.HistorySeries); // "busy" holds only zeros now: dropped, and read back as zeros
        Assert.All(metrics.History(MetricsScope.Topic("busy")).Minutes, p => Assert.Equal(0, p.Values[0]));
    }

    [Fact]
    public void HistoryKeepsAtMostTheLimitOfTopicsAndSaysWhichItRefused()
    {
        var metrics = new LiveMetrics(Options.Create(new MonitorOptions { IntervalMs = 1000, HistoryTopicLimit = 1 }));
        var at = Start;
        long end = 0;
        ClusterSnapshot Busy(DateTimeOffset time, long e) => new(new ClusterOverview("cluster", 1, [], [], time), new Dictionary<string, TopicSnapshot>
        {
            ["first"] = new("first", false, [Partition(0, e)]),
            ["second"] = new("second", false, [Partition(0, e)]),
        }, true, time);
        for (int tick = 0; tick < 5; tick++, at = at.AddSeconds(1)) metrics.Update(Busy(at, end += 10), NoGroups);
        Assert.Equal(2, metrics.HistorySeries); // the cluster and one topic
        var kept = metrics.History(MetricsScope.Topic("first"));
        var refused = metrics.History(MetricsScope.Topic("second"));
        Assert.True(kept.Kept);
        Assert.Equal(10, kept.Recent[^1].Values[0]);
        Assert.False(refused.Kept);
        Assert.Equal(10, metrics.Latest.Topics["second"].RecordsPerSec); // its live figures are unaffected

        // "second" becomes much busier: at the next minute it takes the slot of "first".
        long busier = end, quieter = end;
        ClusterSnapshot Uneven(DateTimeOffset time) => new(new ClusterOverview("cluster", 1, [], [], time), new Dictionary<string, TopicSnapshot>
        {
            ["first"] = new("first", false, [Partition(0, quieter += 1)]),
            ["second"] = new("second", false, [Partition(0, busier += 100)]),
        }, true, time);
        for (int tick = 0; tick < 70; tick++, at = at.AddSeconds(1)) metrics.Update(Uneven(at), NoGroups);
        Assert.True(metrics.History(MetricsScope.Topic("second")).Kept);
        Assert.Equal(100, metrics.History(MetricsScope.Topic("second")).Recent[^1].Values[0]);
        Assert.False(metrics.History(MetricsScope.Topic("first")).Kept);
        Assert.Equal(2, metrics.HistorySeries);
    }

    [Fact]
    public void ChartsReadAWindowEndingNowOnTheAppsClock()
    {
        var clock = new FakeTimeProvider(Start);
        var metrics = new LiveMetrics(Options.Create(new MonitorOptions { IntervalMs = 1000 }), clock);
        long end = 0;
        for (int tick = 0; tick < 40 * 60; tick++)
        {
            metrics.Update(Snapshot(clock.GetUtcNow(), end += 10), NoGroups);
            clock.Advance(TimeSpan.FromSeconds(1));
        }
        var now = clock.GetUtcNow();

        // Five minutes: every tick of the last five minutes, up to now.
        var five = metrics.History(MetricsScope.Topic("busy"), TimeSpan.FromMinutes(5));
        var fivePoints = five.Timeline(TimeSpan.FromMinutes(5));
        Assert.Equal(5 * 60, fivePoints.Count);
        Assert.All(fivePoints, p => Assert.InRange(p.Time, now.AddMinutes(-5), now));

        // An hour: one point a minute for the whole 40 minutes seen, then the ticks after the last whole minute.
        var hour = metrics.History(MetricsScope.Topic("busy"), TimeSpan.FromHours(1));
        var hourPoints = hour.Timeline(TimeSpan.FromHours(1));
        var lastMinute = hour.Minutes[^1].Time;
        Assert.Equal(hour.Minutes, hourPoints.Take(hour.Minutes.Count));
        Assert.All(hourPoints.Skip(hour.Minutes.Count), p => Assert.True(p.Time >= lastMinute.AddMinutes(1)));
        Assert.Equal(hourPoints.Select(p => p.Time).Order(), hourPoints.Select(p => p.Time));
        Assert.Equal(now.AddSeconds(-1), hourPoints[^1].Time); // the line reaches the latest tick
    }
}
