using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using ControlCenter.Kafka.Masking;
using ControlCenter.Kafka.Messages;
using ControlCenter.RestProxy.Http;

namespace ControlCenter.RestProxy.Consumers;

/// <summary>Records as a consumer instance returns them: key and value base64 (binary) or parsed JSON values (json).</summary>
public static class RecordConverter
{
    /// <summary>The record for the response; throws <see cref="JsonException"/> when a json instance meets bytes that are not JSON.</summary>
    /// <param name="mask">The reader's mask for the record's topic (null: unmasked).</param>
    public static ConsumerRecordBody ToBody(ConsumeResult<byte[]?, byte[]?> record, EmbeddedFormat format, IRecordDecoder? decoder = null, RecordMask? mask = null) => new(
        record.Topic, Convert(record.Topic, true, record.Message.Key, format, decoder, mask), Convert(record.Topic, false, record.Message.Value, format, decoder, mask),
        record.Partition.Value, record.Offset.Value);

    /// <summary>Bytes counted against max_bytes: key plus value, as Confluent's proxy counts them.</summary>
    public static long Size(ConsumeResult<byte[]?, byte[]?> record) => (record.Message.Key?.Length ?? 0) + (record.Message.Value?.Length ?? 0);

    private static object? Convert(string topic, bool isKey, byte[]? bytes, EmbeddedFormat format, IRecordDecoder? decoder, RecordMask? mask)
    {
        if (bytes is null) return null;
        // A schema record is masked on its decoded JSON (its binary form carries the masked fields too): a masked
        // reader gets that JSON in every format. Anything else is masked as text.
        var decoded = format.UsesSchemas() || mask is not null ? decoder?.Decode(topic, isKey, bytes) : null;
        if (mask is not null)
            bytes = decoded is null ? mask.Mask(bytes) : decoded.Json is { } masked ? mask.Mask(Encoding.UTF8.GetBytes(masked)) : Encoding.UTF8.GetBytes(RecordMask.Withheld);
        if (format == EmbeddedFormat.Binary) return System.Convert.ToBase64String(bytes);
        if (format.UsesSchemas() && mask is null)
        {
            // The schema formats answer with the record decoded by its schema, as Confluent's proxy does.
            if (decoded?.Json is null)
                throw new JsonException(decoded?.Error ?? "it is not in a schema registry's wire format (magic byte 0 and a schema id)");
            bytes = Encoding.UTF8.GetBytes(decoded.Json);
        }
        else if (format.UsesSchemas() && decoded is null)
            throw new JsonException("it is not in a schema registry's wire format (magic byte 0 and a schema id)");
        if (decoded is { Json: null } && mask is not null) return RecordMask.Withheld;
        using var document = JsonDocument.Parse(bytes);
        return document.RootElement.Clone();
    }
}
