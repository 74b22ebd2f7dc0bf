using System.Collections.Concurrent;
using Confluent.Kafka;
using ControlCenter.Kafka.Metrics;
using ControlCenter.Web.Hubs;
using ControlCenter.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace ControlCenter.Web.Tests.Metrics;

/// <summary>The metrics hub through a real Kestrel and a .NET SignalR client, against the embedded broker.</summary>
public class MetricsHubTests : AppTest
{
    protected override Dictionary<string, string?>? Settings => new() { ["Monitor:GroupIntervalMs"] = "300" };

    private static Task<T> WaitForMessageAsync<T>(ConcurrentQueue<T> received, Func<T, bool> condition, string what) where T : class =>
        Wait.ForAsync(() => received.FirstOrDefault(condition), $"a hub message with {what}", cancellation: Cancellation);

    /// <summary>
    /// Waits until the broadcaster has sent <paramref name="ticks"/> more ticks, then makes a round
    /// trip on the connection: messages sent before it have arrived (one connection keeps order).
    /// </summary>
    private async Task SettleAsync(HubConnection hub, int ticks)
    {
        var broadcaster = App.Get<MetricsBroadcaster>();
        long target = broadcaster.TicksSent + ticks;
        await Wait.UntilAsync(() => broadcaster.TicksSent >= target, $"{ticks} broadcast ticks", cancellation: Cancellation);
        await hub.InvokeAsync("Unsubscribe", "group:a-fence-nobody-follows", Cancellation);
    }

    [Fact]
    public async Task TopicRatesAndTotalsMatchWhatWasProduced()
    {
        await Clients.CreateTopicAsync(Bootstrap, "metered", 3);
        await using var hub = await MetricsHubClient.ConnectAsync(BaseAddress);
        var received = new ConcurrentQueue<TopicMetrics>();
        hub.On<TopicMetrics>("topic", received.Enqueue);
        var subscription = await hub.InvokeAsync<MetricsSubscription>("SubscribeTopic", "metered", Cancellation);
        Assert.Equal("topic:metered", subscription.Scope);
        Assert.Equal(MetricsScope.TopicFields, subscription.History.Fields);
        await WaitForMessageAsync(received, m => m.RecordsPerSec is not null, "a first rate");

        // Four rounds, each in a tick of its own.
        using (var producer = Clients.Producer(Bootstrap))
            for (int round = 0; round < 4; round++)
            {
                for (int i = 0; i < 1000; i++) producer.Produce(new TopicPartition("metered", i % 3), new Message<byte[]?, byte[]?> { Value = new byte[100] });
                Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(10)));
                await Cluster.NextTickAsync(Cancellation);
            }
        // The first tick after the last records shows them all, and a rate of zero: nothing more came.
        var last = await WaitForMessageAsync(received, m => m.EndOffsets == 4000 && m.RecordsPerSec == 0, "all 4,000 records and no new ones");

        var messages = received.TakeWhile(m => !ReferenceEquals(m, last)).Append(last).ToList();
        Assert.Equal(4000, last.Partitions.Sum(p => p.HighWatermark));
        Assert.Equal(4000, last.Records);
        // Rates integrate back to the records produced: Σ rate × Δt over consecutive ticks = Δ end offsets.
        double integrated = messages.Zip(messages.Skip(1)).Sum(pair => (pair.Second.RecordsPerSec ?? 0) * (pair.Second.Time - pair.First.Time).TotalSeconds);
        Assert.InRange(integrated, 4000 - 40, 4000 + 40);
        Assert.Contains(messages, m => m.RecordsPerSec > 0);
        Assert.All(messages.Where(m => m.RecordsPerSec is not null), m =>
            Assert.Equal(m.RecordsPerSec!.Value, m.Partitions.Sum(p => p.RecordsPerSec ?? 0), 6));
        // Bytes come from the log-dir sizes: ~100-byte values plus record and batch overhead.
        var busy = messages.Where(m => m.RecordsPerSec > 0 && m.BytesPerSec is not null).ToList();
        Assert.NotEmpty(busy);
        Assert.All(busy, m => Assert.InRange(m.BytesPerSec!.Value / m.RecordsPerSec!.Value, 100, 200));

        // The history holds the same rates: integrated over its ticks they give the records again.
        var history = App.Get<LiveMetrics>().History(MetricsScope.Topic("metered")).Recent;
        double fromHistory = history.Zip(history.Skip(1)).Sum(pair => (pair.Second.Values[0] ?? 0) * (pair.Second.Time - pair.First.Time).TotalSeconds);
        Assert.InRange(fromHistory, 4000 - 40, 4000 + 40);
    }

    [Fact]
    public async Task ClusterSubscribersGetHistoryThenEveryTick()
    {
        await Clients.CreateTopicAsync(Bootstrap, "steady", 1);
        for (int i = 0; i < 3; i++) await Cluster.NextTickAsync(Cancellation);
        await using var hub = await MetricsHubClient.ConnectAsync(BaseAddress);
        var received = new ConcurrentQueue<ClusterMetrics>();
        hub.On<ClusterMetrics>("cluster", received.Enqueue);
        var subscription = await hub.InvokeAsync<MetricsSubscription>("SubscribeCluster", Cancellation);
        Assert.Equal(MetricsScope.ClusterFields, subscription.History.Fields);
        Assert.True(subscription.History.Recent.Count >= 3);
        Assert.All(subscription.History.Recent, p => Assert.Equal(5, p.Values.Length));

        // Every tick the broadcaster sends reaches the subscriber, in order (±1 where a send was under way at either end).
        var broadcaster = App.Get<MetricsBroadcaster>();
        await SettleAsync(hub, 1);
        (int messages, long sent) = (received.Count, broadcaster.TicksSent);
        using (var producer = Clients.Producer(Bootstrap))
            for (int i = 0; i < 8; i++)
            {
                await producer.ProduceAsync("steady", new Message<byte[]?, byte[]?> { Value = [1, 2, 3] }, Cancellation);
                await Cluster.NextTickAsync(Cancellation);
            }
        await SettleAsync(hub, 1);
        (messages, sent) = (received.Count - messages, broadcaster.TicksSent - sent);
        Assert.True(sent >= 2, $"{sent} ticks sent");
        Assert.InRange(messages, sent - 1, sent + 1);
        var busy = await WaitForMessageAsync(received, m => m.ProducedRecordsPerSec > 0 && m.TopTopics.Any(t => t.Topic == "steady"), "the producer's rate");
        Assert.Equal(1, busy.Topics);
        var times = received.Select(m => m.Time).ToList();
        Assert.Equal(times.Distinct().Order(), times);

        // Unsubscribed: once what was already on its way has arrived, nothing more comes, tick after tick.
        await hub.InvokeAsync("Unsubscribe", "cluster", Cancellation);
        await SettleAsync(hub, 2);
        int count = received.Count;
        await SettleAsync(hub, 3);
        Assert.Equal(count, received.Count);
    }

    [Fact]
    public async Task GroupLagAndTimeLagMatchTheGroupsPosition()
    {
        var start = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds()); // records keep milliseconds
        await Clients.CreateTopicAsync(Bootstrap, "lagged", 1);
        using (var producer = Clients.Producer(Bootstrap))
        {
            for (int i = 0; i < 100; i++)
                producer.Produce("lagged", new Message<byte[]?, byte[]?> { Value = [1], Timestamp = new Timestamp(start.AddSeconds(i)) });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(10)));
        }
        using var consumer = Clients.Consumer(Bootstrap, "lagged-group");
        consumer.Commit([new TopicPartitionOffset("lagged", 0, 40)]);

        await using var hub = await MetricsHubClient.ConnectAsync(BaseAddress);
        var received = new ConcurrentQueue<GroupMetrics>();
        hub.On<GroupMetrics>("group", received.Enqueue);
        await hub.InvokeAsync<MetricsSubscription>("SubscribeGroup", "lagged-group", Cancellation);
        var lagging = await WaitForMessageAsync(received, m => m.LagRecords == 60 && m.LagSeconds is not null, "lag 60 with its time");
        var partition = Assert.Single(lagging.Partitions);
        Assert.Equal((40L, 100L, 60L), (partition.Committed!.Value, partition.LogEndOffset, partition.Lag!.Value));
        // Record 40 is the first not consumed; the lag is its age when the tick was taken.
        Assert.Equal((lagging.Time - start.AddSeconds(40)).TotalSeconds, lagging.LagSeconds!.Value, 3);

        consumer.Commit([new TopicPartitionOffset("lagged", 0, 100)]);
        var caughtUp = await WaitForMessageAsync(received, m => m.LagRecords == 0, "lag 0 after the commit");
        Assert.Equal(0, caughtUp.LagSeconds);
        var consuming = await WaitForMessageAsync(received, m => m.ConsumedRecordsPerSec > 0, "a consume rate");
        Assert.True(consuming.ConsumedRecordsPerSec < 60 / 0.2, "60 records over at least two group reads");
        var onTopic = App.Get<LiveMetrics>().Latest.Topics["lagged"].Consumers;
        Assert.Equal("lagged-group", Assert.Single(onTopic).Group);
    }

    [Fact]
    public async Task BadSubscriptionsAreRefusedWithAReason()
    {
        await using var hub = await MetricsHubClient.ConnectAsync(BaseAddress);
        var bad = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<MetricsSubscription>("SubscribeTopic", "no spaces allowed", Cancellation));
        Assert.Contains("\"no spaces allowed\" is illegal", bad.Message);
        var scope = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("Unsubscribe", "brokers", Cancellation));
        Assert.Contains("use cluster, topic:<name> or group:<id>", scope.Message);
        var empty = await hub.InvokeAsync<MetricsSubscription>("SubscribeGroup", "not-yet-there", Cancellation);
        Assert.Null(empty.Current);
        Assert.Empty(empty.History.Recent);
    }
}
