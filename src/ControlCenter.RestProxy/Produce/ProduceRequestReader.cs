using System.Text.Json;
using ControlCenter.RestProxy.Http;

namespace ControlCenter.RestProxy.Produce;

/// <summary>A record to send: bytes as they go to Kafka, and the partition the request named, if any.</summary>
public sealed record ProduceRecord(byte[]? Key, byte[]? Value, int? Partition);

/// <summary>
/// Reads <c>{"records": [{"key": …, "value": …, "partition": n}, …]}</c>. In the json format a key
/// or value is any JSON value, sent as its compact JSON text; in binary it is a base64 string.
/// null (or absent) is a null key or value: a tombstone for a value. Every record is checked
/// before any is sent, so a bad one fails the whole request and nothing is half-produced.
/// </summary>
public static class ProduceRequestReader
{
    public const int MaxRecords = 10_000;

    public static List<ProduceRecord> Read(JsonElement body, EmbeddedFormat format) =>
        Records(body).Select((record, index) =>
            new ProduceRecord(Bytes(record, "key", format, index), Bytes(record, "value", format, index), RequestBody.Int(record, "partition"))).ToList();

    /// <summary>The request's records, each an object; between 1 and <see cref="MaxRecords"/>.</summary>
    public static List<JsonElement> Records(JsonElement body)
    {
        var records = RequestBody.RequiredArray(RequestBody.Object(body, "The request body"), "records");
        int count = records.GetArrayLength();
        if (count == 0) throw RestException.Unprocessable("Field 'records' may not be empty.");
        if (count > MaxRecords) throw RestException.Unprocessable($"At most {MaxRecords:N0} records per request, not {count:N0}.");
        return records.EnumerateArray().Select((element, index) => RequestBody.Object(element, $"records[{index}]")).ToList();
    }

    private static byte[]? Bytes(JsonElement record, string field, EmbeddedFormat format, int index)
    {
        if (RequestBody.Property(record, field) is not { } value) return null;
        if (format == EmbeddedFormat.Json) return Compact(value);
        if (value.ValueKind != JsonValueKind.String)
            throw RestException.Unprocessable($"records[{index}].{field} must be a base64 string in the binary format.");
        try { return Convert.FromBase64String(value.GetString()!); }
        catch (FormatException) { throw RestException.Unprocessable($"records[{index}].{field} is not valid base64."); }
    }

    /// <summary>The value as compact JSON text, without the request's own whitespace, as a JSON serializer writes it.</summary>
    internal static byte[] Compact(JsonElement value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            value.WriteTo(writer);
        return buffer.ToArray();
    }
}
