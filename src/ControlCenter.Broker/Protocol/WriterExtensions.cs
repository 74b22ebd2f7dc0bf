using ControlCenter.LogFormat;

namespace ControlCenter.Broker.Protocol;

internal static class WriterExtensions
{
    public static void WriteErrorCode(this KafkaWriter writer, ErrorCode code) => writer.WriteInt16((short)code);
}
