using System.Text.Json;
using Confluent.Kafka;
using ControlCenter.RestProxy.Http;

namespace ControlCenter.RestProxy.Consumers;

/// <summary>Records as a consumer instance returns them: key and value base64 (binary) or parsed JSON values (json).</summary>
public static class RecordConverter
{
    /// <summary>The record for the response; throws <see cref="JsonException"/> when a json instance meets bytes that are not JSON.</summary>
    public static ConsumerRecordBody ToBody(ConsumeResult<byte[]?, byte[]?> record, EmbeddedFormat format) => new(
        record.Topic, Convert(record.Message.Key, format), Convert(record.Message.Value, format), record.Partition.Value, record.Offset.Value);

    /// <summary>Bytes counted against max_bytes: key plus value, as Confluent's proxy counts them.</summary>
    public static long Size(ConsumeResult<byte[]?, byte[]?> record) => (record.Message.Key?.Length ?? 0) + (record.Message.Value?.Length ?? 0);

    private static object? Convert(byte[]? bytes, EmbeddedFormat format)
    {
        if (bytes is null) return null;
        if (format == EmbeddedFormat.Binary) return System.Convert.ToBase64String(bytes);
        using var document = JsonDocument.Parse(bytes);
        return document.RootElement.Clone();
    }
}
