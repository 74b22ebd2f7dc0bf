namespace ControlCenter.LogFormat;

/// <summary>
/// Bytes that cannot be parsed. On the wire Kafka closes the connection in this case rather
/// than replying with something the client would misread.
/// </summary>
public sealed class ProtocolException(string message) : Exception(message);
