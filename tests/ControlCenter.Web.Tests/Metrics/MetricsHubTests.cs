using System.Collections.Concurrent;
using Confluent.Kafka;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Metrics;
using ControlCenter.Web.Hubs;
using ControlCenter.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace ControlCenter.Web.Tests.Metrics;

/// <summary>The metrics hub through a real Kestrel and a .NET SignalR client, against the embedded broker.</summary>
public class MetricsHubTests : AppTestBase
{
    protected override Dictionary<string, string?>? Settings => new() { ["Monitor:GroupIntervalMs"] = "300" };

    internal static Task<HubConnection> ConnectAsync(Uri baseAddress) => MetricsHubClient.ConnectAsync(baseAddress);

    private static async Task<T> WaitForMessageAsync<T>(ConcurrentQueue<T> received, Func<T, bool> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (received.FirstOrDefault(condition) is { } found) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No hub message with {what}");
    }

    [Fact]
    public async Task TopicRatesAndTotalsMatchWhatWasProduced()
    {
        await Clients.CreateTopicAsync(Bootstrap, "metered", 3);
        await using var hub = await ConnectAsync(BaseAddress);
        var received = new ConcurrentQueue<TopicMetrics>();
        hub.On<TopicMetrics>("topic", received.Enqueue);
        var subscription = await hub.InvokeAsync<MetricsSubscription>("SubscribeTopic", "metered");
        Assert.Equal("topic:metered", subscription.Scope);
        Assert.Equal(MetricsScope.TopicFields, subscription.History.Fields);
        await WaitForMessageAsync(received, m => m.RecordsPerSec is not null, "a first rate");

        using (var producer = Clients.Producer(Bootstrap))
            for (int round = 0; round < 4; round++)
            {
                for (int i = 0; i < 1000; i++) producer.Produce(new TopicPartition("metered", i % 3), new Message<byte[]?, byte[]?> { Value = new byte[100] });
                Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(10)));
                await Task.Delay(700);
            }
        var last = await WaitForMessageAsync(received, m => m.EndOffsets == 4000, "all 4,000 records");
        await Task.Delay(1000); // a few more ticks with no traffic

        var messages = received.ToList();
        Assert.Equal(4000, last.Partitions.Sum(p => p.HighWatermark));
        Assert.Equal(4000, last.Records);
        // Rates integrate back to the records produced: Σ rate × Δt over consecutive ticks = Δ end offsets.
        double integrated = messages.Zip(messages.Skip(1)).Sum(pair => (pair.Second.RecordsPerSec ?? 0) * (pair.Second.Time - pair.First.Time).TotalSeconds);
        Assert.InRange(integrated, 4000 - 40, 4000 + 40);
        Assert.Contains(messages, m => m.RecordsPerSec > 500);
        Assert.All(messages.Where(m => m.RecordsPerSec is not null), m =>
            Assert.Equal(m.RecordsPerSec!.Value, m.Partitions.Sum(p => p.RecordsPerSec ?? 0), 6));
        Assert.Equal(0, messages[^1].RecordsPerSec);
        // Bytes come from the log-dir sizes: ~100-byte values plus record and batch overhead.
        var busy = messages.Where(m => m.RecordsPerSec > 0 && m.BytesPerSec is not null).ToList();
        Assert.NotEmpty(busy);
        Assert.All(busy, m => Assert.InRange(m.BytesPerSec!.Value / m.RecordsPerSec!.Value, 100, 200));

        var history = App.Get<LiveMetrics>().History(MetricsScope.Topic("metered"));
        Assert.True(history.Recent.Count >= messages.Count - 1);
        Assert.InRange(history.Recent.Sum(p => p.Values[0] ?? 0) * 0.25, 4000 * 0.8, 4000 * 1.2); // tick is 250 ms here
    }

    [Fact]
    public async Task ClusterSubscribersGetHistoryThenEveryTick()
    {
        await Clients.CreateTopicAsync(Bootstrap, "steady", 1);
        await WaitForAsync(() => App.Get<LiveMetrics>().History(MetricsScope.Cluster).Recent.Count >= 3, "a few ticks of history");
        await using var hub = await ConnectAsync(BaseAddress);
        var received = new ConcurrentQueue<ClusterMetrics>();
        hub.On<ClusterMetrics>("cluster", received.Enqueue);
        var subscription = await hub.InvokeAsync<MetricsSubscription>("SubscribeCluster");
        Assert.Equal(MetricsScope.ClusterFields, subscription.History.Fields);
        Assert.True(subscription.History.Recent.Count >= 3);
        Assert.All(subscription.History.Recent, p => Assert.Equal(5, p.Values.Length));

        using (var producer = Clients.Producer(Bootstrap))
            for (int i = 0; i < 20; i++)
            {
                await producer.ProduceAsync("steady", new Message<byte[]?, byte[]?> { Value = [1, 2, 3] });
                await Task.Delay(100);
            }
        var busy = await WaitForMessageAsync(received, m => m.ProducedRecordsPerSec > 0 && m.TopTopics.Any(t => t.Topic == "steady"), "the producer's rate");
        Assert.Equal(1, busy.Topics);
        var times = received.Select(m => m.Time).ToList();
        Assert.Equal(times.Order(), times);
        Assert.True(times.Count >= 8, $"only {times.Count} ticks in 2 s");

        await hub.InvokeAsync("Unsubscribe", "cluster");
        await Task.Delay(400);
        int count = received.Count;
        await Task.Delay(1000);
        Assert.Equal(count, received.Count);
    }

    [Fact]
    public async Task GroupLagAndTimeLagMatchTheGroupsPosition()
    {
        var start = DateTime.UtcNow.AddMinutes(-10);
        await Clients.CreateTopicAsync(Bootstrap, "lagged", 1);
        using (var producer = Clients.Producer(Bootstrap))
            for (int i = 0; i < 100; i++)
            {
                producer.Produce("lagged", new Message<byte[]?, byte[]?> { Value = [1], Timestamp = new Timestamp(start.AddSeconds(i)) });
                if (i == 99) Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(10)));
            }
        using var consumer = Clients.Consumer(Bootstrap, "lagged-group");
        consumer.Commit([new TopicPartitionOffset("lagged", 0, 40)]);

        await using var hub = await ConnectAsync(BaseAddress);
        var received = new ConcurrentQueue<GroupMetrics>();
        hub.On<GroupMetrics>("group", received.Enqueue);
        await hub.InvokeAsync<MetricsSubscription>("SubscribeGroup", "lagged-group");
        var lagging = await WaitForMessageAsync(received, m => m.LagRecords == 60 && m.LagSeconds is not null, "lag 60 with its time");
        var partition = Assert.Single(lagging.Partitions);
        Assert.Equal((40L, 100L, 60L), (partition.Committed!.Value, partition.LogEndOffset, partition.Lag!.Value));
        double expected = (DateTime.UtcNow - start.AddSeconds(40)).TotalSeconds; // record 40 is the first not consumed
        Assert.InRange(lagging.LagSeconds!.Value, expected - 5, expected + 5);

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
        await using var hub = await ConnectAsync(BaseAddress);
        var bad = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<MetricsSubscription>("SubscribeTopic", "no spaces allowed"));
        Assert.Contains("\"no spaces allowed\" is illegal", bad.Message);
        var scope = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("Unsubscribe", "brokers"));
        Assert.Contains("use cluster, topic:<name> or group:<id>", scope.Message);
        var empty = await hub.InvokeAsync<MetricsSubscription>("SubscribeGroup", "not-yet-there");
        Assert.Null(empty.Current);
        Assert.Empty(empty.History.Recent);
    }
}
