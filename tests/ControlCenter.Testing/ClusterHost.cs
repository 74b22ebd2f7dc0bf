using ControlCenter.Kafka;
using ControlCenter.Kafka.Cluster;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Testing;

/// <summary>
/// The dashboard's cluster layer (connection, monitor, services) in a plain generic host, with
/// no web host: how service tests run against a <see cref="TestBroker"/>. A test can add more
/// (the REST proxy) with <c>configure</c> and put its own clock in with <c>time</c>.
/// </summary>
public sealed class ClusterHost : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;
    /// <summary>An app-wide service, or the (default) cluster's for its per-cluster ones.</summary>
    public T Get<T>() where T : notnull => Services.GetRequiredService<ControlCenter.Kafka.Clusters.ClusterRegistry>() is var registry && registry.PerClusterTypes.Contains(typeof(T))
        ? (T?)registry.Default.GetService(typeof(T)) ?? Services.GetRequiredService<T>() : Services.GetRequiredService<T>();
    public ClusterMonitor Monitor => Get<ClusterMonitor>();
    public IClusterState Cluster => Get<IClusterState>();
    public string Bootstrap => Get<ClusterConnection>().BootstrapServers;

    public static async Task<ClusterHost> StartAsync(string bootstrap, Dictionary<string, string?>? settings = null,
        Action<IServiceCollection, IConfiguration>? configure = null, TimeProvider? time = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(Defaults(bootstrap, settings));
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        if (time is not null) builder.Services.TryAddSingleton(time);
        builder.Services.AddKafkaControlCenter(builder.Configuration);
        configure?.Invoke(builder.Services, builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return new ClusterHost(host);
    }

    private static Dictionary<string, string?> Defaults(string bootstrap, Dictionary<string, string?>? settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = bootstrap,
            ["Kafka:RequestTimeoutMs"] = "1500",
            ["Monitor:IntervalMs"] = "250",
            ["Demo:Enabled"] = "false",
            ["SchemaRegistry:Url"] = "http://127.0.0.1:0",
        };
        foreach (var (key, value) in settings ?? []) values[key] = value;
        return values;
    }

    /// <summary>Waits for the monitor's first successful read of the cluster.</summary>
    public Task WaitReachableAsync() => Wait.UntilAsync(() => Cluster.Status.IsReachable, "the cluster to be reachable");

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
