using System.Net;
using System.Text.Json;
using ControlCenter.Kafka;
using ControlCenter.Kafka.Cluster;

namespace ControlCenter.Web.Tests.Hosting;

/// <summary>The app on a real Kestrel: health, static files, the embedded broker, an unreachable cluster.</summary>
public class HostingTests
{
    private static Task WaitForStateAsync(IClusterState cluster, ConnectionState state) =>
        Wait.UntilAsync(() => cluster.Status.State == state, $"the cluster to be {state}", cancellation: TestContext.Current.CancellationToken);

    [Fact]
    public async Task HealthzReportsTheEmbeddedClusterReachable()
    {
        await using var app = new AppFactory();
        var address = app.Start();
        await WaitForStateAsync(app.Get<IClusterState>(), ConnectionState.Connected);
        using var http = app.Http(address);
        var response = await http.GetAsync("/healthz", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.True(json.RootElement.GetProperty("cluster").GetProperty("reachable").GetBoolean());
        Assert.True(app.Get<ClusterConnection>().IsEmbedded);
        Assert.True(File.Exists(Path.Combine(app.DataDir, "meta.properties")));
    }

    [Theory]
    [InlineData("/app.css", "app.css")]
    [InlineData("/js/controlcenter.js", "js/controlcenter.js")]
    [InlineData("/favicon.svg", "favicon.svg")]
    public async Task TopLevelWwwrootIsServed(string url, string file)
    {
        await using var app = new AppFactory();
        using var http = app.Http(app.Start());
        var response = await http.GetAsync(url, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string served = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "wwwroot", file), TestContext.Current.CancellationToken), served);
    }

    [Fact]
    public async Task MudBlazorAssetsAndTheShellAreServed()
    {
        await using var app = new AppFactory();
        using var http = app.Http(app.Start());
        string page = await http.GetStringAsync("/", TestContext.Current.CancellationToken);
        Assert.Contains("Kafka Control Center", page);
        // Asset URLs are fingerprinted (MapStaticAssets): follow the link the page renders.
        var href = System.Text.RegularExpressions.Regex.Match(page, "href=\"(_content/MudBlazor/MudBlazor\\.min[^\"]*\\.css)\"").Groups[1].Value;
        Assert.NotEmpty(href);
        var css = await http.GetAsync("/" + href, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.True((await css.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Length > 10_000);
    }

    [Fact]
    public async Task UnreachableClusterIsReportedWithItsAddressAndTheAppStaysUp()
    {
        await using var app = new AppFactory(new() { ["Kafka:BootstrapServers"] = "127.0.0.1:1" });
        using var http = app.Http(app.Start());
        var cluster = app.Get<IClusterState>();
        await WaitForStateAsync(cluster, ConnectionState.Unreachable);
        Assert.False(string.IsNullOrWhiteSpace(cluster.Status.Error));

        var response = await http.GetAsync("/healthz", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Degraded", json.RootElement.GetProperty("status").GetString());
        Assert.False(json.RootElement.GetProperty("cluster").GetProperty("reachable").GetBoolean());
        Assert.Equal("127.0.0.1:1", json.RootElement.GetProperty("cluster").GetProperty("bootstrapServers").GetString());

        string page = await http.GetStringAsync("/", TestContext.Current.CancellationToken);
        Assert.Contains("Cannot reach the cluster at", page);
        Assert.Contains("127.0.0.1:1", page);
    }

    [Fact]
    public async Task MonitorRecoversWhenTheClusterComesBack()
    {
        var broker = await TestBroker.StartAsync();
        int port = broker.Broker.Port;
        await using var app = new AppFactory(new() { ["Kafka:BootstrapServers"] = broker.BootstrapServers });
        app.Start();
        var cluster = app.Get<IClusterState>();
        await WaitForStateAsync(cluster, ConnectionState.Connected);
        string clusterId = cluster.Overview!.ClusterId!;

        await broker.Broker.StopAsync();
        await WaitForStateAsync(cluster, ConnectionState.Unreachable);
        Assert.Equal(clusterId, cluster.Overview!.ClusterId); // the last figures are kept

        await broker.RestartAsync(); // same port, same data dir
        Assert.Equal(port, broker.Broker.Port);
        await WaitForStateAsync(cluster, ConnectionState.Connected);
        Assert.Equal(clusterId, cluster.Overview!.ClusterId);
        await broker.DisposeAsync();
    }

    [Fact]
    public async Task BrokerConfigsPageListsDescribeConfigs()
    {
        await using var app = new AppFactory();
        using var http = app.Http(app.Start());
        await WaitForStateAsync(app.Get<IClusterState>(), ConnectionState.Connected);
        string page = await http.GetStringAsync("/brokers/1", TestContext.Current.CancellationToken);
        Assert.Contains("auto.create.topics.enable", page);
        Assert.Contains("log.retention.ms", page);
        Assert.DoesNotContain("password", page.Replace("sasl.jaas.config", ""), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task StoppingTheAppShutsTheEmbeddedBrokerDownCleanly()
    {
        var app = new AppFactory();
        app.Start();
        await WaitForStateAsync(app.Get<IClusterState>(), ConnectionState.Connected);
        string dataDir = app.DataDir;
        string marker = Path.Combine(dataDir, ".kafka_cleanshutdown");
        Assert.False(File.Exists(marker));
        await app.StopAsync();
        Assert.True(File.Exists(marker));
        Assert.True(File.Exists(Path.Combine(dataDir, "recovery-point-offset-checkpoint")));
        await app.DisposeAsync();
    }
}
