using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Confluent.Kafka;
using ControlCenter.Kafka;
using ControlCenter.Kafka.Alerts;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Clusters;
using ControlCenter.RestProxy;
using Microsoft.AspNetCore.SignalR.Client;

namespace ControlCenter.Web.Tests.Clusters;

/// <summary>One app managing two embedded brokers (Clusters:alpha, Clusters:beta): pages, endpoints, hub, alerts and the REST proxy per cluster.</summary>
public sealed class MultiClusterTests : IAsyncLifetime
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private TestBroker _alpha = null!, _beta = null!;
    private AppFactory _app = null!;
    private Uri _base = null!;
    private readonly string _store = TempDir.Create("cluster-store");

    public async ValueTask InitializeAsync()
    {
        _alpha = await TestBroker.StartAsync();
        _beta = await TestBroker.StartAsync();
        _app = new AppFactory(new()
        {
            ["Clusters:alpha:BootstrapServers"] = _alpha.BootstrapServers,
            ["Clusters:beta:BootstrapServers"] = _beta.BootstrapServers,
            ["Clusters:beta:ClusterName"] = "Beta (staging)",
            ["ClusterStore:Directory"] = _store,
            ["Monitor:GroupIntervalMs"] = "250",
            ["Alerts:Rules:0:Name"] = "mc behind",
            ["Alerts:Rules:0:Kind"] = "consumer-lag-records",
            ["Alerts:Rules:0:Group"] = "mc-g",
        });
        _base = _app.Start();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _alpha.DisposeAsync();
        await _beta.DisposeAsync();
        TempDir.Delete(_store);
    }

    private ClusterRegistry Registry => _app.Get<ClusterRegistry>();

    private async Task CreateSeenAsync(string cluster, string bootstrap, string topic)
    {
        await Clients.CreateTopicAsync(bootstrap, topic);
        var state = Registry.Get(cluster)!.Get<IClusterState>();
        await Wait.UntilAsync(() => state.Snapshot?.Topics.ContainsKey(topic) == true, $"{cluster} to show {topic}", cancellation: Cancellation);
    }

    [Fact]
    public async Task EachClusterHasItsOwnPagesEndpointsHubAlertsAndRestPaths()
    {
        Assert.Equal(["alpha", "beta"], Registry.Definitions.Select(d => d.Name));
        Assert.Equal("alpha", Registry.Default.Name); // the first by name when only Clusters:* are configured
        Assert.Null(_app.Broker); // nothing embedded: clusters are configured
        await CreateSeenAsync("alpha", _alpha.BootstrapServers, "only-alpha");
        await CreateSeenAsync("beta", _beta.BootstrapServers, "only-beta");

        // Pages: the prefix names the cluster (and the base address carries it); old addresses are the default cluster's.
        using var http = _app.Http(_base);
        string betaPage = await http.GetStringAsync("clusters/beta/topics", Cancellation);
        Assert.Contains("<base href=\"/clusters/beta/\"", betaPage, StringComparison.Ordinal);
        Assert.Contains("only-beta", betaPage, StringComparison.Ordinal);
        Assert.DoesNotContain("only-alpha", betaPage, StringComparison.Ordinal);
        string oldPage = await http.GetStringAsync("topics", Cancellation);
        Assert.Contains("only-alpha", oldPage, StringComparison.Ordinal);
        Assert.DoesNotContain("only-beta", oldPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("clusters/gamma/topics", Cancellation)).StatusCode);
        // Each cluster's own schema registry: beta has none configured and says so; the default cluster has the app's.
        Assert.Contains("Cluster beta has no schema registry (set Clusters:beta:SchemaRegistry:Url).", await http.GetStringAsync("clusters/beta/schemas", Cancellation), StringComparison.Ordinal);
        Assert.Contains("The embedded schema registry", await http.GetStringAsync("schemas", Cancellation), StringComparison.Ordinal);
        string all = await http.GetStringAsync("clusters", Cancellation);
        Assert.Contains("Beta (staging)", all, StringComparison.Ordinal);

        // Endpoints: a produce under /clusters/beta/ lands on beta.
        var produced = await http.PostAsJsonAsync("clusters/beta/api/topics/only-beta/produce",
            new { key = "k", value = "to beta", valueIsJson = false, headers = Array.Empty<object>(), partition = (int?)null, acks = "all", count = 1 }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, produced.StatusCode);
        var record = Assert.Single(Clients.ReadAll(_beta.BootstrapServers, "only-beta", 1, TimeSpan.FromSeconds(60)));
        Assert.Equal("to beta", System.Text.Encoding.UTF8.GetString(record.Message.Value!));

        // The hub: a connection under /clusters/beta/ follows beta's topics.
        await using var hub = await MetricsHubClient.ConnectAsync(new Uri(_base, "clusters/beta/"));
        var topicMessage = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<JsonElement>("topic", m => topicMessage.TrySetResult(m));
        await hub.InvokeAsync<JsonElement>("SubscribeTopic", "only-beta", Cancellation);
        Assert.Equal("only-beta", (await topicMessage.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancellation)).GetProperty("topic").GetString());

        // Alerts: each cluster evaluates the rules on its own readings; beta's group falls behind, alpha has none.
        using (var consumer = Clients.Consumer(_beta.BootstrapServers, "mc-g"))
            consumer.Commit([new TopicPartitionOffset("only-beta", 0, 0)]);
        var betaAlerts = Registry.Get("beta")!.Get<AlertManager>();
        var alert = await Wait.ForAsync(() => betaAlerts.Active.FirstOrDefault(a => a.State == AlertState.Firing), "beta's lag alert", cancellation: Cancellation);
        Assert.Equal("Beta (staging)", alert.Cluster);
        Assert.Empty(Registry.Get("alpha")!.Get<AlertManager>().Active);

        // The REST proxy: v2 paths are the default cluster's, /clusters/{name}/ paths that cluster's.
        using var rest = new HttpClient { BaseAddress = new Uri(_app.Get<RestProxyServer>().BaseUrl!) };
        Assert.Contains("only-alpha", await rest.GetStringAsync("topics", Cancellation), StringComparison.Ordinal);
        string betaTopics = await rest.GetStringAsync("clusters/beta/topics", Cancellation);
        Assert.Contains("only-beta", betaTopics, StringComparison.Ordinal);
        Assert.DoesNotContain("only-alpha", betaTopics, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await rest.GetAsync("clusters/gamma/topics", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task AnAdminAddsTestsAndRemovesAClusterAndTheStoreKeepsIt()
    {
        var unreachable = await ClusterRegistry.TestAsync(new KafkaOptions { BootstrapServers = "127.0.0.1:1", RequestTimeoutMs = 1000 }, Cancellation);
        Assert.False(unreachable.Reachable);
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.AddAsync("down", new KafkaOptions { BootstrapServers = "127.0.0.1:1", RequestTimeoutMs = 1000 }, Cancellation));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.AddAsync("bad name!", new KafkaOptions { BootstrapServers = _beta.BootstrapServers }, Cancellation));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.AddAsync("beta", new KafkaOptions { BootstrapServers = _beta.BootstrapServers }, Cancellation));
        Assert.False(File.Exists(Path.Combine(_store, ClusterStore.FileName))); // nothing half-added

        var gamma = await Registry.AddAsync("gamma", new KafkaOptions { BootstrapServers = _beta.BootstrapServers, ReadOnly = true }, Cancellation);
        await Wait.UntilAsync(() => gamma.Get<IClusterState>().Status.IsReachable, "gamma's monitor to reach it", cancellation: Cancellation);
        Assert.Contains("gamma", new ClusterStore(_store).Load().Keys);
        using var http = _app.Http(_base);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("clusters/gamma/topics", Cancellation)).StatusCode);
        // A read-only cluster refuses changes on every path.
        await Clients.CreateTopicAsync(_beta.BootstrapServers, "ro-topic");
        await Wait.UntilAsync(() => gamma.Get<IClusterState>().Snapshot?.Topics.ContainsKey("ro-topic") == true, "gamma to show ro-topic", cancellation: Cancellation);
        var refused = await http.PostAsJsonAsync("clusters/gamma/api/topics/ro-topic/produce",
            new { key = "k", value = "v", valueIsJson = false, headers = Array.Empty<object>(), partition = (int?)null, acks = "all", count = 1 }, Cancellation);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Clusters:gamma:ReadOnly=true", await refused.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Registry.RemoveAsync("beta", Cancellation)); // configured: removed in configuration
        Assert.True(await Registry.RemoveAsync("gamma", Cancellation));
        Assert.DoesNotContain("gamma", new ClusterStore(_store).Load().Keys);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("clusters/gamma/topics", Cancellation)).StatusCode);
    }
}
