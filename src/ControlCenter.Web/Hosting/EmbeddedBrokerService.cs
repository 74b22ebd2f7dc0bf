using System.Net.Sockets;
using ControlCenter.Broker;
using ControlCenter.Kafka;
using Microsoft.Extensions.Options;

namespace ControlCenter.Web.Hosting;

/// <summary>
/// Runs the embedded Kafka broker inside the app when no Kafka:BootstrapServers is configured,
/// and points every client of the app at it. Registered before the cluster monitor, so it
/// starts first and stops last (cleanly: indexes trimmed, clean-shutdown marker written).
/// </summary>
public sealed class EmbeddedBrokerService(
    ClusterConnection connection,
    IOptions<BrokerOptions> options,
    ILoggerFactory loggerFactory,
    ILogger<EmbeddedBrokerService> logger) : IHostedService, IAsyncDisposable
{
    private KafkaBroker? _broker;

    public KafkaBroker? Broker => _broker;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!connection.IsEmbedded) return;
        var brokerOptions = options.Value;
        _broker = new KafkaBroker(brokerOptions, loggerFactory);
        try
        {
            await _broker.StartAsync(cancellationToken);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new StartupException(
                $"The embedded broker cannot listen on {brokerOptions.Host}:{brokerOptions.Port}: the port is in use. " +
                "Set EmbeddedBroker:Port (0 picks a free port), or set Kafka:BootstrapServers to manage the cluster that runs there.");
        }
        catch (ArgumentException e)
        {
            throw new StartupException(e.Message);
        }
        connection.UseEmbeddedBroker(_broker.BootstrapServers, _broker.DataDir);
        logger.LogInformation("Embedded Kafka broker: bootstrap {Bootstrap}, data in {DataDir}", _broker.BootstrapServers, _broker.DataDir);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_broker is not null) await _broker.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_broker is not null) await _broker.DisposeAsync();
    }
}

/// <summary>A start-up problem with a message meant for the person who runs the app (no stack trace).</summary>
public sealed class StartupException(string message) : Exception(message);
