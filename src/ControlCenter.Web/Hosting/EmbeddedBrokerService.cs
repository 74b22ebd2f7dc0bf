using System.Net.Sockets;
using ControlCenter.Broker;
using ControlCenter.Kafka;
using Microsoft.Extensions.Options;

namespace ControlCenter.Web.Hosting;

/// <summary>
/// Runs the embedded Kafka broker inside the app when no Kafka:BootstrapServers is configured,
/// and publishes its endpoint on the <see cref="ClusterConnection"/>, which everything that
/// needs the cluster awaits. It stops cleanly (indexes trimmed, clean-shutdown marker written).
/// </summary>
public sealed class EmbeddedBrokerService(
    ClusterConnection connection,
    IOptions<BrokerOptions> options,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    ILogger<EmbeddedBrokerService> logger) : IHostedService, IAsyncDisposable
{
    private KafkaBroker? _broker;

    public KafkaBroker? Broker => _broker;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!connection.IsEmbedded) return;
        var brokerOptions = options.Value;
        _broker = new KafkaBroker(brokerOptions, loggerFactory, time);
        try
        {
            await _broker.StartAsync(cancellationToken);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw Fail(new StartupException(
                $"The embedded broker cannot listen on {brokerOptions.Host}:{brokerOptions.Port}: the port is in use. " +
                "Set EmbeddedBroker:Port (0 picks a free port), or set Kafka:BootstrapServers to manage the cluster that runs there."));
        }
        catch (ArgumentException e)
        {
            throw Fail(new StartupException(e.Message));
        }
        connection.PublishEmbedded(_broker.BootstrapServers, _broker.DataDir);
        logger.LogInformation("Embedded Kafka broker: bootstrap {Bootstrap}, data in {DataDir}", _broker.BootstrapServers, _broker.DataDir);
    }

    /// <summary>Whoever awaits the cluster's endpoint learns why it will not come.</summary>
    private StartupException Fail(StartupException e)
    {
        connection.FailEmbedded(e);
        return e;
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
