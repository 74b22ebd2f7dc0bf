namespace ControlCenter.Broker;

/// <summary>Options of the embedded broker (configuration section "EmbeddedBroker").</summary>
public sealed class BrokerOptions
{
    public const string SectionName = "EmbeddedBroker";

    /// <summary>Address to listen on. Loopback by default: binding elsewhere is an explicit choice.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Port to listen on; 0 picks a free port (read it back from <see cref="KafkaBroker.Port"/>).</summary>
    public int Port { get; set; } = 9092;

    /// <summary>Log directory: partition folders, checkpoints and meta.properties live here.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>Host name advertised to clients; defaults to the bound address.</summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>Port advertised to clients (behind a proxy or a port mapping); 0 advertises the port actually bound.</summary>
    public int AdvertisedPort { get; set; }

    public int NodeId { get; set; } = 1;

    public string? Rack { get; set; }

    /// <summary>
    /// Nodes of the embedded cluster (1–9), all in this process: node i listens on Port+i-1 and
    /// keeps its data in DataDir/broker-i. One node is a single broker, its data directly in DataDir.
    /// </summary>
    public int Nodes { get; set; } = 1;

    /// <summary>Racks of nodes 1..N, comma-separated (e.g. "a,b,c"); replicas are spread across racks.</summary>
    public string? Racks { get; set; }

    /// <summary>
    /// Most segment and index files kept open at once; the rest are reopened on use. Keeps
    /// thousands of partitions under the process's file descriptor limit.
    /// </summary>
    public int MaxOpenFiles { get; set; } = 4096;

    /// <summary>Kafka broker properties, e.g. "log.retention.check.interval.ms" or "num.partitions".</summary>
    public Dictionary<string, string> Config { get; set; } = new(StringComparer.Ordinal);
}
