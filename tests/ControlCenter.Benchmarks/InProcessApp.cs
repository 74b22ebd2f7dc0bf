using ControlCenter.Broker;
using ControlCenter.Kafka;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Testing;
using ControlCenter.Web.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ControlCenter.Benchmarks;

/// <summary>The dashboard with its embedded broker, in this process, so its internals can be read.</summary>
public sealed class InProcessApp : WebApplicationFactory<EmbeddedBrokerService> // any type of the app assembly; this project has its own Program
{
    private readonly Dictionary<string, string?> _settings;
    public string DataDir { get; } = TempDir.Create("bench-app");

    public InProcessApp(Dictionary<string, string?>? settings = null)
    {
        _settings = new() { ["EmbeddedBroker:Port"] = "0", ["EmbeddedBroker:DataDir"] = DataDir, ["Logging:LogLevel:Default"] = "Warning", ["Demo:Enabled"] = "false", ["RestProxy:Url"] = "http://127.0.0.1:0" };
        foreach (var kv in settings ?? []) _settings[kv.Key] = kv.Value;
        // Test projects get the app's content root from Mvc.Testing's build manifest; this console app says it here.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CONTROLCENTER_WEB", Path.Combine(RepoPaths.Root, "src", "ControlCenter.Web"));
        UseKestrel(0);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseUrls("http://127.0.0.1:0");
        foreach (var (k, v) in _settings) builder.UseSetting(k, v);
    }

    public Uri Start()
    {
        StartServer();
        return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();
    public KafkaBroker Broker => Get<EmbeddedBrokerService>().Broker!;
    public ClusterMonitor Monitor => Get<ClusterMonitor>();
    public string Bootstrap => Get<ClusterConnection>().BootstrapServers;

    public async Task WaitAsync(Func<bool> condition, string what, int seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(what);
            await Task.Delay(50);
        }
    }

    public long TotalRequests => Broker.RequestCounts.Values.Sum();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        TempDir.Delete(DataDir);
    }
}
