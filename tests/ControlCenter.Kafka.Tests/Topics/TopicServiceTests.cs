using Confluent.Kafka;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Topics;

namespace ControlCenter.Kafka.Tests.Topics;

/// <summary>Topic services against the embedded broker; effects checked with real clients.</summary>
public class TopicServiceTests : ClusterTest
{
    private ITopicAdmin Topics => Host.Get<ITopicAdmin>();

    [Fact]
    public async Task CreateWithConfigsAndValidateOnly()
    {
        var spec = new TopicSpec("created", 4, 1, new Dictionary<string, string> { ["retention.ms"] = "3600000", ["cleanup.policy"] = "compact,delete" });
        Assert.True((await Topics.CreateAsync(spec with { Name = "dry-run" }, validateOnly: true)).Succeeded);
        Assert.True((await Topics.CreateAsync(spec, validateOnly: false)).Succeeded);
        await WaitForSnapshotAsync(s => s.Topics.ContainsKey("created"), "the new topic");
        Assert.False(Cluster.Snapshot!.Topics.ContainsKey("dry-run"));
        Assert.Equal(4, Cluster.Snapshot.Topics["created"].Partitions.Count);

        var configs = await Topics.DescribeConfigsAsync("created");
        var retention = configs.Single(c => c.Name == "retention.ms");
        Assert.Equal(("3600000", "604800000", true), (retention.Value, retention.DefaultValue, retention.IsOverridden));
        Assert.False(configs.Single(c => c.Name == "segment.bytes").IsOverridden);
    }

    [Fact]
    public async Task BrokerErrorsComeBackAsReasonsAndNothingIsCreated()
    {
        var rf = await Topics.CreateAsync(new TopicSpec("rf-too-high", 1, 3, new Dictionary<string, string>()), validateOnly: false);
        Assert.False(rf.Succeeded);
        Assert.Contains("only 1 broker", rf.Error);
        var config = await Topics.CreateAsync(new TopicSpec("bad-config", 1, 1, new Dictionary<string, string> { ["no.such.config"] = "1" }), validateOnly: true);
        Assert.Equal("Unknown topic config name: no.such.config", config.Error);
        var snapshot = await FreshSnapshotAsync();
        Assert.DoesNotContain("rf-too-high", snapshot.Topics.Keys);
        Assert.DoesNotContain("bad-config", snapshot.Topics.Keys);
    }

    [Fact]
    public async Task AddPartitionsPurgeAndDelete()
    {
        Assert.True((await Topics.CreateAsync(new TopicSpec("lifecycle", 2, 1, new Dictionary<string, string>()), false)).Succeeded);
        using (var producer = Clients.Producer(Bootstrap))
            for (int i = 0; i < 20; i++) await producer.ProduceAsync(new TopicPartition("lifecycle", i % 2), new Message<byte[]?, byte[]?> { Value = [1] }, TestContext.Current.CancellationToken);
        await WaitForSnapshotAsync(s => s.Topics.TryGetValue("lifecycle", out var t) && t.Records == 20, "20 records");

        Assert.False((await Topics.AddPartitionsAsync("lifecycle", 1)).Succeeded);
        Assert.True((await Topics.AddPartitionsAsync("lifecycle", 5)).Succeeded);
        await WaitForSnapshotAsync(s => s.Topics["lifecycle"].Partitions.Count == 5, "5 partitions");

        var (purged, lows) = await Topics.PurgeAsync("lifecycle", [0]);
        Assert.True(purged.Succeeded);
        Assert.Equal(10, lows[0]);
        await WaitForSnapshotAsync(s => s.Topics["lifecycle"].Records == 10, "partition 0 purged");
        Assert.Equal((10L, 10L), (Cluster.Snapshot!.Topics["lifecycle"].Partitions[0].LowWatermark, Cluster.Snapshot.Topics["lifecycle"].Partitions[0].HighWatermark));

        Assert.True((await Topics.DeleteAsync("lifecycle")).Succeeded);
        await WaitForSnapshotAsync(s => !s.Topics.ContainsKey("lifecycle"), "the topic to go");
        Assert.False((await Topics.DeleteAsync("lifecycle")).Succeeded);
    }

    [Fact]
    public async Task ConfigsAreSetValidatedAndReset()
    {
        await Topics.CreateAsync(new TopicSpec("configured", 1, 1, new Dictionary<string, string>()), false);
        Assert.True((await Topics.SetConfigAsync("configured", "retention.ms", "1000")).Succeeded);
        Assert.Equal("1000", (await Topics.DescribeConfigsAsync("configured")).Single(c => c.Name == "retention.ms").Value);
        var bad = await Topics.SetConfigAsync("configured", "retention.ms", "tomorrow");
        Assert.False(bad.Succeeded);
        Assert.Contains("retention.ms", bad.Error);
        Assert.Equal("1000", (await Topics.DescribeConfigsAsync("configured")).Single(c => c.Name == "retention.ms").Value);
        Assert.True((await Topics.SetConfigAsync("configured", "retention.ms", null)).Succeeded);
        var reset = (await Topics.DescribeConfigsAsync("configured")).Single(c => c.Name == "retention.ms");
        Assert.Equal(("604800000", false), (reset.Value, reset.IsOverridden));
    }

    [Fact]
    public async Task ListSearchesSortsPagesAndHidesInternalTopics()
    {
        foreach (var (name, partitions) in new[] { ("alpha", 3), ("beta", 1), ("gamma", 6), ("alphabet", 2) })
            await Topics.CreateAsync(new TopicSpec(name, partitions, 1, new Dictionary<string, string>()), false);
        using (var producer = Clients.Producer(Bootstrap))
            for (int i = 0; i < 7; i++) await producer.ProduceAsync("beta", new Message<byte[]?, byte[]?> { Value = new byte[200] }, TestContext.Current.CancellationToken);
        using (var consumer = Clients.Consumer(Bootstrap, "lister")) { consumer.Subscribe("beta"); consumer.Consume(TimeSpan.FromSeconds(5)); consumer.Commit(); consumer.Close(); }
        await WaitForSnapshotAsync(s => s.Topics.ContainsKey("alphabet") && s.Topics["beta"].Records == 7 && s.Topics["beta"].SizeBytes > 0 && s.Topics.ContainsKey("__consumer_offsets"), "topics");

        var snapshot = Cluster.Snapshot;
        Assert.Equal(["alpha", "alphabet"], TopicList.Query(snapshot, new TopicQuery(Search: "ALPHA")).Rows.Select(r => r.Name));
        Assert.DoesNotContain(TopicList.Query(snapshot, new TopicQuery()).Rows, r => r.IsInternal);
        Assert.Contains(TopicList.Query(snapshot, new TopicQuery(ShowInternal: true)).Rows, r => r.Name == "__consumer_offsets" && r.IsInternal);
        Assert.Equal(["gamma", "alpha", "alphabet", "beta"], TopicList.Query(snapshot, new TopicQuery(SortBy: TopicSort.Partitions, Descending: true)).Rows.Select(r => r.Name));
        Assert.Equal("beta", TopicList.Query(snapshot, new TopicQuery(SortBy: TopicSort.Messages, Descending: true)).Rows[0].Name);
        Assert.Equal("beta", TopicList.Query(snapshot, new TopicQuery(SortBy: TopicSort.Size, Descending: true)).Rows[0].Name);
        Assert.True(TopicList.Query(snapshot, new TopicQuery(Search: "beta")).Rows[0].SizeBytes > 7 * 200);
        var page = TopicList.Query(snapshot, new TopicQuery(Page: 1, PageSize: 3));
        Assert.Equal((1, 4), (page.Rows.Count, page.Total));
        Assert.Equal("gamma", page.Rows[0].Name);
    }

    [Fact]
    public async Task ProbeMeasuresOnATemporaryTopicAndRemovesIt()
    {
        var phases = new List<string>();
        var result = await Host.Get<IPartitionProbe>().MeasureAsync(new ProbeOptions(RecordSize: 1024, MaxSeconds: 1, MaxBytes: 2 * 1024 * 1024),
            new SynchronousProgress<ProbeProgress>(p => phases.Add(p.Phase)), CancellationToken.None);
        Assert.True(result.ProduceMBps > 0 && result.ConsumeMBps > 0);
        Assert.True(result.Bytes > 0 && result.Bytes <= 2 * 1024 * 1024 + 1024);
        Assert.DoesNotContain((await FreshSnapshotAsync()).Topics.Keys, t => t.StartsWith("control-center-probe", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OverriddenConfigsAreTheOnesSetOnTheTopic()
    {
        var overrides = new Dictionary<string, string> { ["retention.ms"] = "172800000", ["cleanup.policy"] = "compact", ["max.compaction.lag.ms"] = "600000" };
        await Topics.CreateAsync(new TopicSpec("template", 5, 1, overrides), false);
        var configs = await Topics.DescribeConfigsAsync("template");
        Assert.Equal(overrides.OrderBy(kv => kv.Key), configs.Where(c => c.IsOverridden).Select(c => KeyValuePair.Create(c.Name, c.Value!)).OrderBy(kv => kv.Key));
        Assert.Equal("604800000", configs.Single(c => c.Name == "retention.ms").DefaultValue); // what a reset would give
        await Assert.ThrowsAsync<ClusterException>(() => Topics.DescribeConfigsAsync("no-such-topic"));
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) { lock (this) report(value); }
    }
}
