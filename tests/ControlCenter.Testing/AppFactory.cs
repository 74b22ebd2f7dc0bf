using ControlCenter.Broker;
using ControlCenter.Kafka;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Web.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ControlCenter.Testing;

/// <summary>
/// The whole dashboard in this process, on a real Kestrel at a free loopback port (hosting
/// tests, the SignalR hub, benchmarks). By default it runs its embedded broker (free port,
/// temporary data dir); settings can point it at another cluster.
/// </summary>
public sealed class AppFactory : WebApplicationFactory<EmbeddedBrokerService> // any type of the app's assembly
{
    private readonly Dictionary<string, string?> _settings;
    public string DataDir { get; } = TempDir.Create("app");

    public AppFactory(Dictionary<string, string?>? settings = null)
    {
        _settings = new Dictionary<string, string?>
        {
            ["EmbeddedBroker:Port"] = "0",
            ["EmbeddedBroker:DataDir"] = DataDir,
            ["Audit:Directory"] = DataDir + "-audit",
            ["Alerts:Directory"] = DataDir + "-alerts",
            ["EmbeddedBroker:Nodes"] = "1", // the shipped default is a cluster of three; tests that want one say so
            ["Monitor:IntervalMs"] = "250",
            ["Kafka:RequestTimeoutMs"] = "1500",
            ["Demo:Enabled"] = "false", // tests count topics and groups: the demo is tested on its own
            ["RestProxy:Url"] = "http://127.0.0.1:0",
            ["SchemaRegistry:Url"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var kv in settings ?? []) _settings[kv.Key] = kv.Value;
        // Where the app's content (appsettings, static web assets) is, whichever project runs this.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CONTROLCENTER_WEB", Path.Combine(RepoPaths.Root, "src", "ControlCenter.Web"));
        UseKestrel(0);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseUrls("http://127.0.0.1:0");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
    }

    /// <summary>Starts the server and returns its base address.</summary>
    public Uri Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }

    public HttpClient Http(Uri baseAddress) => new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>An app-wide service, or the default cluster's for its per-cluster ones (the app's container only forwards those per page or request).</summary>
    public T Get<T>() where T : notnull => Services.GetRequiredService<ControlCenter.Kafka.Clusters.ClusterRegistry>() is var registry && registry.PerClusterTypes.Contains(typeof(T))
        ? (T?)registry.Default.GetService(typeof(T)) ?? Services.GetRequiredService<T>() : Services.GetRequiredService<T>();
    public IClusterState Cluster => Get<IClusterState>();
    public ClusterMonitor Monitor => Get<ClusterMonitor>();
    public string Bootstrap => Get<ClusterConnection>().BootstrapServers;
    /// <summary>The embedded broker (null when the app manages another cluster).</summary>
    public KafkaBroker? Broker => Get<EmbeddedBrokerService>().Broker;
    /// <summary>Requests the embedded broker has handled, all APIs together.</summary>
    public long TotalRequests => Broker?.RequestCounts.Values.Sum() ?? 0;

    /// <summary>Waits for the monitor's first successful read of the cluster.</summary>
    public Task WaitReachableAsync() => Wait.UntilAsync(() => Cluster.Status.IsReachable, "the cluster to be reachable");

    /// <summary>Creates a topic and waits until the app's monitor shows it (the produce form and endpoint only know topics it has seen).</summary>
    public async Task CreateTopicAsync(string name, int partitions = 1)
    {
        await Clients.CreateTopicAsync(Bootstrap, name, partitions);
        await Wait.UntilAsync(() => Cluster.Snapshot?.Topics.ContainsKey(name) == true, $"the app to see topic {name}");
    }

    /// <summary>Stops the host (hosted services stop, the embedded broker shuts down) but keeps the data dir.</summary>
    public async Task StopAsync() => await Services.GetRequiredService<Microsoft.Extensions.Hosting.IHost>().StopAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        TempDir.Delete(DataDir);
        TempDir.Delete(DataDir + "-audit");
        TempDir.Delete(DataDir + "-alerts");
    }
}
