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
    public GroupCoordinator Groups { get; set; } = null!;
    public TimeProvider Time { get; init; } = TimeProvider.System;
    /// <summary>Requests handled per API key since start (diagnostics and benchmarks).</summary>
    public long[] RequestCounts { get; } = new long[128];
    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();
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
