using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;

namespace ControlCenter.Broker.Protocol;

/// <summary>
/// One Kafka API (one file per API key under Protocol/Apis). A handler declares the versions
/// it serves and writes the response body; returning false sends no response (acks=0).
/// </summary>
internal abstract class ApiHandler
{
    public abstract ApiKey Key { get; }
    public virtual short MinVersion => 0;
    public abstract short MaxVersion { get; }
    /// <summary>First version using flexible (KIP-482) encodings; none of ours by default.</summary>
    public virtual short FirstFlexibleVersion => short.MaxValue;

    public bool IsFlexible(short version) => version >= FirstFlexibleVersion;

    /// <summary>The request body's definition: what each version carries (the protocol fuzzer builds requests from it).</summary>
    public abstract MessageSpec Request { get; }

    public abstract ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response);
}
