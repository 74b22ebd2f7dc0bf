using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Topics;

namespace ControlCenter.Kafka.Tests.Topics;

/// <summary>
/// Admin requests that time out, against the real client. librdkafka (Confluent.Kafka 2.16) aborts
/// the process with a glibc "double free" when a timed-out admin request ends by a lost connection
/// or by the client's destruction (seen in dumps: the admin poll thread in rd_kafka_event_destroy;
/// 3 crashes in 6 runs when the proxy cut the connection). So the proxy delays instead of losing
/// frames, every late answer arrives while the client lives, and the test runs alone after the
/// parallel ones, with no other client traffic in the process.
/// </summary>
[CollectionDefinition(nameof(AdminTimeouts), DisableParallelization = true)]
public sealed class AdminTimeouts;

[Collection(nameof(AdminTimeouts))]
public class CreateTimeoutTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACreateThatTimesOutIsLookedUpBeforeItIsReported()
    {
        // A slow link: the answer to CreateTopics comes after the client's 1 s timeout (the broker created the topic),
        // or the request itself reaches the broker long after the client has looked and given up.
        await using var proxy = new KafkaProxy();
        proxy.Start();
        await using var broker = await TestBroker.StartAsync(configure: o => o.AdvertisedPort = proxy.Port);
        proxy.TargetPort = broker.Broker.Port;
        await using var host = await ClusterHost.StartAsync(proxy.BootstrapServers, new() { ["Kafka:RequestTimeoutMs"] = "1000" });
        var topics = host.Get<ITopicAdmin>();

        proxy.DelayResponses[19] = TimeSpan.FromSeconds(3);
        var created = await topics.CreateAsync(new TopicSpec("slow-to-confirm", 10, 1, new Dictionary<string, string>()), validateOnly: false);
        Assert.True(created.Succeeded, created.Error); // not "refused" now and "already exists" on the next try
        await host.Cluster.RefreshAsync(Cancellation);
        Assert.Equal(10, host.Cluster.Snapshot!.Topics["slow-to-confirm"].Partitions.Count);

        proxy.DelayResponses.Clear();
        proxy.DelayRequests[19] = TimeSpan.FromSeconds(20);
        var lost = await topics.CreateAsync(new TopicSpec("never-arrived", 3, 1, new Dictionary<string, string>()), validateOnly: false);
        Assert.False(lost.Succeeded);
        Assert.Contains("does not exist (yet)", lost.Error);
        Assert.Contains("Check the topics list before trying again", lost.Error);

        // As the message warned, it may still appear: the late request lands, and its answer reaches the client before it is disposed.
        proxy.DelayRequests.Clear();
        await Wait.UntilAsync(async () => { await host.Cluster.RefreshAsync(Cancellation); return host.Cluster.Snapshot!.Topics.ContainsKey("never-arrived"); },
            "the late create to land", timeout: TimeSpan.FromSeconds(60), cancellation: Cancellation);
    }
}
