using ControlCenter.Broker;
using ControlCenter.Broker.Cluster;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Testing;

/// <summary>A real embedded cluster of several nodes on free loopback ports, in its own temporary data dir.</summary>
public sealed class TestCluster : IAsyncDisposable
{
    private static readonly ILoggerFactory Logging = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));

    private TestCluster(EmbeddedCluster cluster, string dataDir, BrokerOptions options, ILoggerFactory logging)
    {
        Cluster = cluster;
        DataDir = dataDir;
        _options = options;
        _logging = logging;
    }

    private readonly BrokerOptions _options;
    private readonly ILoggerFactory _logging;

    public EmbeddedCluster Cluster { get; private set; }
    public string DataDir { get; }
    /// <summary>Every node's address, running or not: what a client of the cluster is configured with.</summary>
    public string BootstrapServers => Cluster.AllBootstrapServers;

    public static async Task<TestCluster> StartAsync(int nodes = 3, Dictionary<string, string>? config = null, ILoggerFactory? logging = null, string? racks = null)
    {
        string dir = TempDir.Create("cluster");
        var options = new BrokerOptions
        {
            Host = "127.0.0.1", Port = 0, DataDir = dir, Nodes = nodes, Racks = racks,
            Config = new Dictionary<string, string>(config ?? [], StringComparer.Ordinal),
        };
        var cluster = new EmbeddedCluster(options, logging ?? Logging);
        await cluster.StartAsync();
        return new TestCluster(cluster, dir, options, logging ?? Logging);
    }

    /// <summary>Stops every node cleanly and starts the whole cluster again on the same data dirs (new ports).</summary>
    public async Task RestartAsync()
    {
        await Cluster.DisposeAsync();
        Cluster = new EmbeddedCluster(_options, _logging);
        await Cluster.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        TempDir.Delete(DataDir);
    }

    /// <summary>The labs' faults on this cluster's nodes.</summary>
    public Kafka.Labs.IClusterFaults Faults => new ClusterFaults(Cluster);

    private sealed class ClusterFaults(EmbeddedCluster cluster) : Kafka.Labs.IClusterFaults
    {
        public bool IsAvailable => cluster.IsMultiNode;
        public Task KillAsync(int brokerId) => cluster.KillNodeAsync(brokerId);
        public Task StartAsync(int brokerId) => cluster.StartNodeAsync(brokerId);
        public Task PauseReplicationAsync(int brokerId) => cluster.PauseReplicationAsync(brokerId);
        public Task ResumeReplicationAsync(int brokerId) => cluster.HealNodeAsync(brokerId);
    }
}
