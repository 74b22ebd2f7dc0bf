using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Kafka.Hosting;

/// <summary>
/// A Kestrel listener of its own inside the dashboard's process (the REST proxy, the schema
/// registry): its own routes, content types and errors, apart from the dashboard's pipeline, and
/// its own port, apart from --urls.
/// </summary>
public static class ListenerHost
{
    /// <summary>A slim app on <paramref name="url"/> that logs into the dashboard's sinks and reads none of its settings.</summary>
    public static WebApplicationBuilder CreateBuilder(string url, ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        // The dashboard's URLs and ports (ASPNETCORE_URLS, HTTP_PORTS, --urls) are not this listener's.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggerFactory));
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton<IHostLifetime, InnerHostLifetime>();
        return builder;
    }

    /// <summary>Starts listening and returns the address (with the real port when 0 was asked); a taken port throws <paramref name="portTaken"/>'s exception.</summary>
    public static async Task<string> StartAsync(WebApplication app, Func<Exception> portTaken, CancellationToken cancellation)
    {
        try
        {
            await app.StartAsync(cancellation);
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException) // how Kestrel reports a taken port
        {
            await app.DisposeAsync();
            throw portTaken();
        }
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }
}
