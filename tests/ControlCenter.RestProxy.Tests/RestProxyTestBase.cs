using ControlCenter.Kafka.Cluster;
using ControlCenter.RestProxy;

namespace ControlCenter.RestProxy.Tests;

/// <summary>
/// A broker, the cluster layer and the REST proxy on a free port in a plain host (no dashboard),
/// and an HTTP client speaking to the proxy as a script would.
/// </summary>
public abstract class RestProxyTestBase : IAsyncLifetime
{
    protected TestBroker Broker { get; private set; } = null!;
    protected ClusterHost Host { get; private set; } = null!;
    protected RestProxyClient Rest { get; private set; } = null!;
    protected string Bootstrap => Broker.BootstrapServers;
    protected IClusterState Cluster => Host.Cluster;
    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Broker properties for this class's broker.</summary>
    protected virtual Dictionary<string, string>? BrokerConfig => null;

    /// <summary>Settings on top of the defaults (RestProxy:Url on a free loopback port).</summary>
    protected virtual Dictionary<string, string?>? Settings => null;

    /// <summary>The app's clock (a FakeTimeProvider where instance expiry is under test).</summary>
    protected virtual TimeProvider? Time => null;

    /// <summary>The app's services under test: the REST proxy (classes add the schema registry where they test its formats).</summary>
    protected virtual void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        services.AddRestProxy(configuration);

    public virtual async ValueTask InitializeAsync()
    {
        Broker = await TestBroker.StartAsync(BrokerConfig);
        var settings = new Dictionary<string, string?> { ["RestProxy:Url"] = "http://127.0.0.1:0" };
        foreach (var (key, value) in Settings ?? []) settings[key] = value;
        Host = await ClusterHost.StartAsync(Bootstrap, settings, ConfigureServices, Time);
        Rest = new RestProxyClient(Host.Get<RestProxyServer>().BaseUrl!);
    }

    public virtual async ValueTask DisposeAsync()
    {
        Rest.Dispose();
        await Host.DisposeAsync();
        await Broker.DisposeAsync();
    }
}
