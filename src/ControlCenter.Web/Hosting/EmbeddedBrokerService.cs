using System.Net.Sockets;
using ControlCenter.Broker;
using ControlCenter.Broker.Cluster;
using ControlCenter.Kafka;
using Microsoft.Extensions.Options;

namespace ControlCenter.Web.Hosting;

/// <summary>
/// Runs the embedded Kafka cluster inside the app when no Kafka:BootstrapServers is configured
/// (one broker, or EmbeddedBroker:Nodes replicating nodes), and publishes its endpoint on the
/// <see cref="ClusterConnection"/>, which everything that needs the cluster awaits. It stops
/// cleanly (indexes trimmed, clean-shutdown marker written).
/// </summary>
public sealed class EmbeddedBrokerService(
    ControlCenter.Kafka.Clusters.ClusterRegistry clusters,
    IOptions<BrokerOptions> options,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    ILogger<EmbeddedBrokerService> logger) : IHostedService, IAsyncDisposable
{
    private EmbeddedCluster? _cluster;
    private ClusterConnection Connection => clusters.Default.Get<ClusterConnection>();

    /// <summary>The embedded cluster (null when the app manages a configured cluster).</summary>
    public EmbeddedCluster? Cluster => _cluster;

    /// <summary>The first node (the only one of a single-broker cluster).</summary>
    public KafkaBroker? Broker => _cluster?.RunningNodes.FirstOrDefault();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Only the default cluster can be the embedded one (when nothing else is configured).
        if (!clusters.Default.Definition.IsEmbedded) return;
        var brokerOptions = options.Value;
        try
        {
            _cluster = new EmbeddedCluster(brokerOptions, loggerFactory, time);
            await _cluster.StartAsync(cancellationToken);
        }
        catch (PortInUseException e)
        {
            throw Fail(new StartupException(
                $"The embedded broker cannot listen on {e.Host}:{e.Port}: the port is in use (node {e.NodeId} of {brokerOptions.Nodes}: node i listens on EmbeddedBroker:Port+i-1). " +
                "Set EmbeddedBroker:Port (0 picks free ports), or set Kafka:BootstrapServers to manage the cluster that runs there."));
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
        var dataDirs = _cluster.RunningNodes.Select(n => n.DataDir).ToList();
        Connection.PublishEmbedded(_cluster.BootstrapServers, dataDirs);
        logger.LogInformation("Embedded Kafka cluster of {Nodes} node(s): bootstrap {Bootstrap}, data in {DataDir}", _cluster.NodeCount, _cluster.BootstrapServers, string.Join(", ", dataDirs));
    }

    /// <summary>Whoever awaits the cluster's endpoint learns why it will not come.</summary>
    private StartupException Fail(StartupException e)
    {
        Connection.FailEmbedded(e);
        return e;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}

/// <summary>A start-up problem with a message meant for the person who runs the app (no stack trace).</summary>
public sealed class StartupException(string message) : Exception(message);
