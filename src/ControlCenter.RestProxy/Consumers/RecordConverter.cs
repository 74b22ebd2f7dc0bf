using System.Text.Json;
using Confluent.Kafka;
using ControlCenter.Kafka.Messages;
using ControlCenter.RestProxy.Http;

namespace ControlCenter.RestProxy.Consumers;

/// <summary>Records as a consumer instance returns them: key and value base64 (binary) or parsed JSON values (json).</summary>
public static class RecordConverter
{
    /// <summary>The record for the response; throws <see cref="JsonException"/> when a json instance meets bytes that are not JSON.</summary>
    public static ConsumerRecordBody ToBody(ConsumeResult<byte[]?, byte[]?> record, EmbeddedFormat format, IRecordDecoder? decoder = null) => new(
        record.Topic, Convert(record.Topic, true, record.Message.Key, format, decoder), Convert(record.Topic, false, record.Message.Value, format, decoder),
        record.Partition.Value, record.Offset.Value);

    /// <summary>Bytes counted against max_bytes: key plus value, as Confluent's proxy counts them.</summary>
    public static long Size(ConsumeResult<byte[]?, byte[]?> record) => (record.Message.Key?.Length ?? 0) + (record.Message.Value?.Length ?? 0);

    private static object? Convert(string topic, bool isKey, byte[]? bytes, EmbeddedFormat format, IRecordDecoder? decoder)
    {
        if (bytes is null) return null;
        if (format == EmbeddedFormat.Binary) return System.Convert.ToBase64String(bytes);
        if (format.UsesSchemas())
        {
            // The schema formats answer with the record decoded by its schema, as Confluent's proxy does.
            var decoded = decoder?.Decode(topic, isKey, bytes);
            if (decoded?.Json is null)
                throw new JsonException(decoded?.Error ?? "it is not in a schema registry's wire format (magic byte 0 and a schema id)");
            bytes = System.Text.Encoding.UTF8.GetBytes(decoded.Json);
        }
        using var document = JsonDocument.Parse(bytes);
        return document.RootElement.Clone();
    }
}
