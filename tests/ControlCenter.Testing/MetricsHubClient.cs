using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace ControlCenter.Testing;

/// <summary>A .NET SignalR client on the app's live-metrics hub, over WebSockets as browsers use it.</summary>
public static class MetricsHubClient
{
    public const string Path = "hubs/metrics";

    public static async Task<HubConnection> ConnectAsync(Uri baseAddress)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, Path), o => o.Transports = HttpTransportType.WebSockets)
            .Build();
        await hub.StartAsync();
        return hub;
    }
}
