using Confluent.Kafka;
using ControlCenter.Kafka.Metrics;
using ControlCenter.Kafka.Segments;
using ControlCenter.Kafka.Topics;
using Microsoft.Extensions.Time.Testing;

namespace ControlCenter.Kafka.Tests.Segments;

/// <summary>The Segments tab's state without a page: paging newest first, statistics for the rows shown, following the partition.</summary>
public class SegmentsViewTests : ClusterTest
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    protected override TimeProvider Time => _clock; // "at most every 2 s" is time under test: the test moves it

    private async Task ProduceAsync(string topic, int count)
    {
        using var producer = Clients.Producer(Bootstrap, c => c.LingerMs = 0);
        for (int i = 0; i < count; i++)
            await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = new byte[300] }, Cancellation); // a batch each
    }

    [Fact]
    public async Task PagesNewestFirstAndFollowsThePartitionAtMostEveryTwoSeconds()
    {
        await Clients.CreateTopicAsync(Bootstrap, "followed", 1, new() { ["internal.segment.bytes"] = "1024" });
        await ProduceAsync("followed", 90);
        await Cluster.RefreshAsync(Cancellation);
        using var view = new SegmentsView(Host.Get<SegmentService>(), Host.Get<ITopicAdmin>(), Cluster, Host.Get<LiveMetrics>(), "followed");
        await view.InitializeAsync();

        var log = view.Log!;
        Assert.True(log.Segments.Count > SegmentsView.PageSize, $"{log.Segments.Count} segments");
        Assert.Equal(2, view.PageCount);
        Assert.Equal(log.Segments.Reverse().Take(SegmentsView.PageSize).Select(s => s.BaseOffset), view.PageRows.Select(s => s.BaseOffset));
        Assert.All(view.PageRows, row => Assert.True(view.Stats.ContainsKey(row.BaseOffset)));
        Assert.Equal(90, view.HighWatermark);
        await view.SetPageAsync(1);
        Assert.Equal(log.Segments.Reverse().Skip(SegmentsView.PageSize).Select(s => s.BaseOffset), view.PageRows.Select(s => s.BaseOffset));
        view.Select(log.Segments[1].BaseOffset);
        Assert.Equal(log.Segments[1], view.Selected);

        await ProduceAsync("followed", 10);
        await Cluster.RefreshAsync(Cancellation);
        Assert.False(await view.OnClusterChangedAsync()); // listed less than 2 s ago
        _clock.Advance(SegmentsView.FollowInterval);
        Assert.True(await view.OnClusterChangedAsync());
        Assert.True(view.Log!.Segments.Count > log.Segments.Count);
        Assert.Equal(100, view.HighWatermark);
        _clock.Advance(SegmentsView.FollowInterval);
        Assert.False(await view.OnClusterChangedAsync()); // nothing moved since

        view.Follow = false;
        await ProduceAsync("followed", 5);
        await Cluster.RefreshAsync(Cancellation);
        _clock.Advance(SegmentsView.FollowInterval);
        Assert.False(await view.OnClusterChangedAsync());
    }
}
