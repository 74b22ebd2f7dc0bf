using ControlCenter.Broker.Groups;
using ControlCenter.Broker.Storage;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Server;

/// <summary>What request handlers need from the broker: storage, groups, identity, clock.</summary>
internal sealed class BrokerContext(BrokerOptions options, LogManager logs, ILoggerFactory loggerFactory)
{
    public BrokerOptions Options { get; } = options;
    public LogManager Logs { get; } = logs;
    public ILoggerFactory LoggerFactory { get; } = loggerFactory;
    public int NodeId => Options.NodeId;
    public string ClusterId => Logs.ClusterId;
    public string AdvertisedHost { get; set; } = "127.0.0.1";
    public int AdvertisedPort { get; set; }
    public int BoundPort { get; set; }
    public GroupCoordinator Groups { get; set; } = null!;
    public Transactions.TransactionCoordinator Transactions { get; set; } = null!;
    /// <summary>The cluster's controller when this node is one of several; null for a single broker (its own controller).</summary>
    public Cluster.QuorumController? Controller { get; set; }
    /// <summary>This node's replicas when it is one of a cluster's; null for a single broker.</summary>
    public Cluster.ReplicaManager? Replicas { get; set; }
    /// <summary>Requests handled per API key since start (diagnostics and benchmarks).</summary>
    public long[] RequestCounts { get; } = new long[128];
    /// <summary>Fetches long-polling right now, and how the ones that waited ended.</summary>
    public FetchWaitCounters FetchWaits { get; } = new();
    /// <summary>Rate-limited warnings about what clients send.</summary>
    public ConnectionLog ConnectionLog { get; } = new(loggerFactory.CreateLogger("ControlCenter.Broker.Connections"), logs.Time);
    /// <summary>Now on the broker's clock (the log manager's <see cref="TimeProvider"/>).</summary>
    public long NowMs => Logs.NowMs;
}

/// <summary>One request being handled.</summary>
internal sealed class RequestContext(BrokerContext broker, Protocol.RequestHeader header, Memory<byte> frame, string clientHost, CancellationToken cancellation)
{
    public BrokerContext Broker { get; } = broker;
    public Protocol.RequestHeader Header { get; } = header;
    public short Version => Header.ApiVersion;
    /// <summary>The whole request frame; produce rewrites batch offsets in place before appending.</summary>
    public Memory<byte> Frame { get; } = frame;
    public string ClientHost { get; } = clientHost;
    public CancellationToken Cancellation { get; } = cancellation;
}

/// <summary>
/// Fetch long polls (diagnostics and tests): how many wait now, how many were woken by an
/// append, how many ran out their max_wait_ms.
/// </summary>
public sealed class FetchWaitCounters
{
    private long _waiting, _woken, _expired;
    public long Waiting => Interlocked.Read(ref _waiting);
    public long Woken => Interlocked.Read(ref _woken);
    public long Expired => Interlocked.Read(ref _expired);

    internal void Parked() => Interlocked.Increment(ref _waiting);

    internal void Ended(bool woken)
    {
        Interlocked.Decrement(ref _waiting);
        Interlocked.Increment(ref woken ? ref _woken : ref _expired);
    }
}
