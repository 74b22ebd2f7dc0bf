using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ControlCenter.Web.Tests.Infrastructure;

/// <summary>
/// The whole app on a real Kestrel at a free loopback port. By default it runs its embedded
/// broker (free port, temporary data dir); pass a bootstrap list to manage another cluster.
/// </summary>
public sealed class AppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    public string DataDir { get; } = TempDir.Create("web");

    public AppFactory(Dictionary<string, string?>? settings = null)
    {
        _settings = new Dictionary<string, string?>
        {
            ["EmbeddedBroker:Port"] = "0",
            ["EmbeddedBroker:DataDir"] = DataDir,
            ["Monitor:IntervalMs"] = "250",
            ["Kafka:RequestTimeoutMs"] = "1500",
            ["Demo:Enabled"] = "false", // tests count topics and groups: the demo is tested on its own
            ["RestProxy:Url"] = "http://127.0.0.1:0",
        };
        foreach (var kv in settings ?? []) _settings[kv.Key] = kv.Value;
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

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Stops the host (hosted services stop, the embedded broker shuts down) but keeps the data dir.</summary>
    public async Task StopAsync()
    {
        var lifetime = Services.GetRequiredService<Microsoft.Extensions.Hosting.IHost>();
        await lifetime.StopAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        TempDir.Delete(DataDir);
    }
}
