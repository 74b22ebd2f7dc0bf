using ControlCenter.Kafka.Segments;
using ControlCenter.Kafka.Topics;

namespace ControlCenter.Kafka.Tests.Segments;

/// <summary>Kafka's deletion rules on made-up segment lists: the edges a live broker rarely shows on cue.</summary>
public class RetentionForecastTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Segments of 100 offsets and 1,000 bytes each; segment i's newest record is <paramref name="ageHours"/>[i] hours old.</summary>
    private static PartitionLogView Log(params double[] ageHours) => new("t", 0, "/x",
        ageHours.Select((age, i) => new SegmentOverview(i * 100L, 1000, i == ageHours.Length - 1, 1, 1, i * 100L, i * 100L + 99,
            Now.AddHours(-age).ToUnixTimeMilliseconds(), Now.AddHours(-age - 1).ToUnixTimeMilliseconds(), Now, null)).ToList(), [], null, Now);

    private static RetentionSettings Hours(double h) => RetentionSettings.KafkaDefaults with { RetentionMs = (long)(h * 3_600_000) };

    [Fact]
    public void OldestSegmentsGoWhileTheyAreAllOlderThanRetention()
    {
        // The third segment is young: it stops the cut even though the fourth is old again (Kafka deletes a prefix).
        var cut = RetentionForecaster.Forecast(Log(30, 26, 2, 40, 1), 500, Hours(24), Now, null)!.Time!;
        Assert.Equal((true, 2, 200L, 2000L), (cut.DueNow, cut.Segments, cut.CutOffset, cut.Bytes));
    }

    [Fact]
    public void NothingAboveTheHighWatermarkGoes()
    {
        var cut = RetentionForecaster.Forecast(Log(30, 30, 30), 150, Hours(24), Now, null)!.Time!;
        Assert.Equal((1, 100L), (cut.Segments, cut.CutOffset)); // segment 1 ends at 200 > high watermark 150
    }

    [Fact]
    public void AnOldActiveSegmentGoesTooAndTheLogStartsAtItsEnd()
    {
        var cut = RetentionForecaster.Forecast(Log(30, 30), 200, Hours(24), Now, null)!.Time!;
        Assert.Equal((2, 200L), (cut.Segments, cut.CutOffset));
    }

    [Fact]
    public void TheNextTimeCutIsTheOldestSegmentsNewestRecordPlusRetention()
    {
        var cut = RetentionForecaster.Forecast(Log(10, 5, 1), 300, Hours(24), Now, null)!.Time!;
        Assert.False(cut.DueNow);
        Assert.Equal(Now.AddHours(14), cut.At);
        Assert.Equal(100L, cut.CutOffset);
    }

    [Fact]
    public void SizeCutsKeepTheLogAtOrJustOverTheLimit()
    {
        var settings = RetentionSettings.KafkaDefaults with { RetentionBytes = 2500 };
        var cut = RetentionForecaster.Forecast(Log(1, 1, 1, 1, 1), 500, settings, Now, null)!.Size!;
        Assert.Equal((true, 2, 200L, 2500L), (cut.DueNow, cut.Segments, cut.CutOffset, cut.Over));
        var next = RetentionForecaster.Forecast(Log(1, 1), 200, settings, Now, 100)!.Size!;
        Assert.Equal((false, 1500L), (next.DueNow, next.BytesToGo)); // 2,000 now; the oldest goes at 3,500
        Assert.Equal(Now.AddSeconds(15), next.At);
    }

    [Fact]
    public void CompactedTopicsAndUnlimitedRetentionDeleteNothing()
    {
        var compact = RetentionSettings.From([new TopicConfigEntry("cleanup.policy", "compact", "delete", "topic", false, false, null)]);
        Assert.Equal((false, true), (compact.Delete, compact.Compact));
        var forecast = RetentionForecaster.Forecast(Log(100, 100), 200, compact, Now, null)!;
        Assert.Null(forecast.Time);
        Assert.Null(forecast.Size);
        Assert.Null(RetentionForecaster.Forecast(Log(100), 100, RetentionSettings.KafkaDefaults with { RetentionMs = -1 }, Now, null)!.Time);
    }

    [Fact]
    public void TheActiveSegmentRollsBySizeOrAge()
    {
        var roll = RetentionForecaster.Forecast(Log(1), 100, RetentionSettings.KafkaDefaults with { SegmentBytes = 3000, SegmentMs = 7_200_000 }, Now, 200)!.Roll;
        Assert.Equal((2000L, Now.AddSeconds(10), Now.AddHours(-2).AddHours(2)), (roll.BytesToGo, roll.BySize!.Value, roll.ByTime!.Value));
    }
}
