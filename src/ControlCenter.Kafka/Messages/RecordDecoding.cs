using System.Text;

namespace ControlCenter.Kafka.Messages;

/// <summary>
/// A key or value in a schema registry's wire format (magic byte 0, a 4-byte schema id, the
/// encoded data), decoded to JSON — or, when it could not be, why (unknown id, registry down).
/// </summary>
public sealed record SchemaDecoding(int SchemaId, string Format, string? Json, string? Subject = null, int? Version = null, string? Error = null)
{
    public string Label => Subject is null ? $"{Format} · schema {SchemaId}" : $"{Format} · {Subject} v{Version} · id {SchemaId}";
}

/// <summary>
/// Decodes records written with a schema registry's serializers. Implemented by the schema
/// registry project; without one, records show as bytes. Synchronous: the first record of a
/// schema id fetches the schema, every later one uses the cached decoder (search runs on its
/// own threads).
/// </summary>
public interface IRecordDecoder
{
    /// <summary>Null when the bytes are not in the wire format (so they are shown and matched as they are).</summary>
    SchemaDecoding? Decode(string topic, bool isKey, ReadOnlySpan<byte> data);
}

public static class RecordDecoderExtensions
{
    /// <summary>The message with its key and value decoded where they are in a registry's wire format.</summary>
    public static KafkaMessage DecodedBy(this KafkaMessage message, IRecordDecoder? decoder)
    {
        if (decoder is null) return message;
        return message with
        {
            KeyDecoded = Decode(decoder, message.Topic, true, message.Key, message.KeyTruncated),
            ValueDecoded = Decode(decoder, message.Topic, false, message.Value, message.ValueTruncated),
        };
    }

    private static SchemaDecoding? Decode(IRecordDecoder decoder, string topic, bool isKey, byte[]? data, bool truncated)
    {
        if (data is null) return null;
        var decoded = decoder.Decode(topic, isKey, data);
        return decoded is not null && truncated ? decoded with { Json = null, Error = "only the first 64 KiB were read: download the record to decode it" } : decoded;
    }
}

/// <summary>
/// A search's conditions on keys or on values. Records in a registry's wire format are matched
/// on their decoded JSON, so "contains" and JSON-field filters work on Avro and Protobuf alike.
/// </summary>
internal sealed class RecordConditions(IReadOnlyList<ByteMatcher> matchers, IRecordDecoder? decoder, string topic, bool isKey,
    ControlCenter.Kafka.Masking.RecordMask? mask = null)
{
    public int Count => matchers.Count;

    public bool Match(ReadOnlySpan<byte> data)
    {
        if (decoder is not null && data.Length >= 5 && data[0] == 0 && decoder.Decode(topic, isKey, data) is { } decoded)
        {
            if (decoded.Json is { } json) return ByteMatcher.All(matchers, Masked(Encoding.UTF8.GetBytes(json)));
            if (mask is not null) return false; // a masked reader sees this record withheld: its bytes must not be searchable either
        }
        // With a mask, what is matched is what the reader would see: a masked field can never be found.
        return mask is null ? ByteMatcher.All(matchers, data) : ByteMatcher.All(matchers, mask.Mask(data));
    }

    private byte[] Masked(byte[] json) => mask is null ? json : mask.Mask(json);
}
