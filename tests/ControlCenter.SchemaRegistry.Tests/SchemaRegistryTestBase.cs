using System.Net.Http.Headers;
using System.Text;
using Confluent.SchemaRegistry;
using ControlCenter.SchemaRegistry;

namespace ControlCenter.SchemaRegistry.Tests;

/// <summary>
/// A broker, the cluster layer and the embedded registry on a free port in a plain host, with
/// Confluent's registry client and a raw HTTP client pointed at it, as an application would be.
/// </summary>
public abstract class SchemaRegistryTestBase : IAsyncLifetime
{
    protected TestBroker Broker { get; private set; } = null!;
    protected ClusterHost Host { get; private set; } = null!;
    protected string Url { get; private set; } = null!;
    protected CachedSchemaRegistryClient Registry { get; private set; } = null!;
    protected HttpClient Http { get; private set; } = null!;
    protected string Bootstrap => Broker.BootstrapServers;
    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync()
    {
        Broker = await TestBroker.StartAsync();
        await StartHostAsync();
    }

    /// <summary>Settings of this class's app (the Auth section where access is under test).</summary>
    protected virtual Dictionary<string, string?>? Settings => null;

    protected virtual void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        services.AddSchemaRegistry(configuration);

    /// <summary>(Re)starts the app's side: the registry loads _schemas from the broker.</summary>
    protected async Task StartHostAsync()
    {
        Host = await ClusterHost.StartAsync(Bootstrap, Settings, ConfigureServices);
        Url = await Host.Get<SchemaRegistryServer>().WhenListeningAsync(Cancellation);
        Registry = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = Url });
        Http = new HttpClient { BaseAddress = new Uri(Url) };
    }

    protected async Task StopHostAsync()
    {
        Http.Dispose();
        Registry.Dispose();
        await Host.DisposeAsync();
    }

    /// <summary>A raw call: status and body, for the exact codes Confluent's API answers.</summary>
    protected async Task<(int Status, string Body)> CallAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
            request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/vnd.schemaregistry.v1+json"));
        using var response = await Http.SendAsync(request, Cancellation);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Cancellation));
    }

    public virtual async ValueTask DisposeAsync()
    {
        await StopHostAsync();
        await Broker.DisposeAsync();
    }
}
