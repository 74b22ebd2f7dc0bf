using ControlCenter.LogFormat;

namespace ControlCenter.Broker.Protocol;

/// <summary>Request header v1/v2: api key, version, correlation id, client id (and tagged fields in v2).</summary>
public readonly record struct RequestHeader(ApiKey ApiKey, short ApiVersion, int CorrelationId, string? ClientId)
{
    /// <summary>Reads the header; <paramref name="flexible"/> tells whether a tagged-field section follows the client id.</summary>
    public static RequestHeader Read(KafkaReader reader, Func<ApiKey, short, bool> flexible)
    {
        var key = (ApiKey)reader.ReadInt16();
        short version = reader.ReadInt16();
        int correlationId = reader.ReadInt32();
        string? clientId = reader.ReadNullableString();
        if (flexible(key, version)) reader.SkipTaggedFields();
        return new RequestHeader(key, version, correlationId, clientId);
    }
}
