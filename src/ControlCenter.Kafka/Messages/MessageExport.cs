using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ControlCenter.Kafka.Messages;

public enum ExportFormat { JsonLines, Csv }

/// <summary>
/// Writes records for download. Text that is valid UTF-8 is written as text, anything else as
/// base64 with an "encoding" field saying so, so no byte is lost or mangled.
/// </summary>
public static class MessageExport
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>
    /// Values as they are ("a+b" stays a+b, not a\u002Bb): the file is a download, never embedded
    /// in HTML, so the HTML-safe default escaping only garbles it. JSON's own escapes remain.
    /// </summary>
    private static readonly JsonSerializerOptions Literal = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string ContentType(ExportFormat format) => format == ExportFormat.Csv ? "text/csv; charset=utf-8" : "application/x-ndjson";

    public static string Header(ExportFormat format) => format == ExportFormat.Csv ? "partition,offset,timestamp,timestamp_type,key,value,headers\n" : "";

    public static string Line(KafkaMessage m, ExportFormat format)
    {
        if (format == ExportFormat.Csv)
        {
            string headers = JsonSerializer.Serialize(m.Headers?.Select(h => new { key = h.Key, value = Text(h.Value).Text }) ?? [], Literal);
            return string.Join(',', m.Partition, m.Offset, m.Timestamp?.ToString("O") ?? "", m.TimestampType,
                Csv(Text(m.Key, m.KeyDecoded).Text), Csv(Text(m.Value, m.ValueDecoded).Text), Csv(headers)) + "\n";
        }
        var (key, keyEncoding) = Text(m.Key, m.KeyDecoded);
        var (value, valueEncoding) = Text(m.Value, m.ValueDecoded);
        return JsonSerializer.Serialize(new
        {
            topic = m.Topic,
            partition = m.Partition,
            offset = m.Offset,
            timestamp = m.Timestamp?.ToString("O"),
            timestampType = m.TimestampType,
            key,
            keyEncoding,
            keySchemaId = m.KeyDecoded?.Json is null ? null : (int?)m.KeyDecoded.SchemaId,
            value,
            valueEncoding,
            valueSchemaId = m.ValueDecoded?.Json is null ? null : (int?)m.ValueDecoded.SchemaId,
            headers = m.Headers?.Select(h => new { key = h.Key, value = Text(h.Value).Text, encoding = Text(h.Value).Encoding }),
        }, Literal) + "\n";
    }

    /// <summary>Decoded JSON where the bytes were in a schema registry's wire format (encoding "avro", "protobuf" or "json"), else the bytes as text.</summary>
    private static (string? Text, string Encoding) Text(byte[]? data, SchemaDecoding? decoded) =>
        decoded?.Json is { } json ? (json, decoded.Format.ToLowerInvariant()) : Text(data);

    private static (string? Text, string Encoding) Text(byte[]? data)
    {
        if (data is null) return (null, "null");
        try { return (StrictUtf8.GetString(data), "utf8"); }
        catch (DecoderFallbackException) { return (Convert.ToBase64String(data), "base64"); }
    }

    private static string Csv(string? field) =>
        field is null ? "" : field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
