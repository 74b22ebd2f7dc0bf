namespace ControlCenter.Broker.Protocol;

/// <summary>A domain error carrying the Kafka error code to report to the client.</summary>
public sealed class KafkaErrorException(ErrorCode code, string? message = null)
    : Exception(message ?? code.ToString())
{
    public ErrorCode Code { get; } = code;
}
