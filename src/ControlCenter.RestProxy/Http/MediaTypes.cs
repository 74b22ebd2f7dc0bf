using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ControlCenter.RestProxy.Http;

/// <summary>How records are embedded in requests and responses.</summary>
public enum EmbeddedFormat { Binary, Json, Avro, JsonSchema, Protobuf }

/// <summary>
/// Confluent's v2 media types and its content negotiation: metadata answers in
/// application/vnd.kafka.v2+json; produce bodies name their embedded format in Content-Type;
/// records reads name it in Accept and must match the consumer instance's format.
/// </summary>
public static class MediaTypes
{
    public const string V2 = "application/vnd.kafka.v2+json";
    public const string Binary = "application/vnd.kafka.binary.v2+json";
    public const string Json = "application/vnd.kafka.json.v2+json";
    private const string KafkaDefault = "application/vnd.kafka+json";
    private const string PlainJson = "application/json";
    private const string Generic = "application/octet-stream";
    public const string Avro = "application/vnd.kafka.avro.v2+json";
    public const string JsonSchema = "application/vnd.kafka.jsonschema.v2+json";
    public const string Protobuf = "application/vnd.kafka.protobuf.v2+json";
    private static readonly string[] EmbeddedTypes = [Binary, Json, Avro, JsonSchema, Protobuf];

    public static string ContentType(EmbeddedFormat format) => format switch
    {
        EmbeddedFormat.Binary => Binary,
        EmbeddedFormat.Json => Json,
        EmbeddedFormat.Avro => Avro,
        EmbeddedFormat.JsonSchema => JsonSchema,
        _ => Protobuf,
    };

    /// <summary>Formats whose records are in a schema registry's wire format.</summary>
    public static bool UsesSchemas(this EmbeddedFormat format) => format is EmbeddedFormat.Avro or EmbeddedFormat.JsonSchema or EmbeddedFormat.Protobuf;

    public static EmbeddedFormat? ParseFormat(string? name) => name?.ToLowerInvariant() switch
    {
        "binary" => EmbeddedFormat.Binary,
        "json" => EmbeddedFormat.Json,
        "avro" => EmbeddedFormat.Avro,
        "jsonschema" => EmbeddedFormat.JsonSchema,
        "protobuf" => EmbeddedFormat.Protobuf,
        _ => null,
    };

    /// <summary>The embedded format a produce body declares; 415 for anything else.</summary>
    public static EmbeddedFormat ProduceFormat(HttpRequest request)
    {
        string? type = MediaType(request.ContentType);
        for (int i = 0; i < EmbeddedTypes.Length; i++)
            if (type == EmbeddedTypes[i]) return (EmbeddedFormat)i;
        throw RestException.UnsupportedMediaType($"produce with Content-Type {Json}, {Binary}, {Avro}, {JsonSchema} or {Protobuf}, not {type ?? "none"}.");
    }

    /// <summary>Bodies of the other endpoints: any v2 type or plain JSON (an absent type is read as JSON, as Confluent does).</summary>
    public static void RequireJsonBody(HttpRequest request)
    {
        string? type = MediaType(request.ContentType);
        if (type is null or V2 or PlainJson or KafkaDefault or Generic || EmbeddedTypes.Contains(type)) return;
        throw RestException.UnsupportedMediaType($"send {V2}, not {type}.");
    }

    /// <summary>Whether the client accepts a v2 JSON answer (406 if its Accept names only other types).</summary>
    public static void RequireAcceptsV2(HttpRequest request)
    {
        var accepted = Accepted(request);
        if (accepted.Count == 0 || accepted.Any(a => a is "*/*" or "application/*" or V2 or KafkaDefault or PlainJson || EmbeddedTypes.Contains(a))) return;
        throw RestException.NotAcceptable($"this resource answers in {V2}.");
    }

    /// <summary>
    /// The format a records read answers in: the instance's own, unless Accept names the other
    /// embedded format (40601). A generic Accept (none, */*, v2+json) gets the instance's format.
    /// </summary>
    public static void RequireRecordsFormat(HttpRequest request, EmbeddedFormat instanceFormat)
    {
        var accepted = Accepted(request);
        string own = ContentType(instanceFormat);
        if (accepted.Count == 0 || accepted.Contains(own) || accepted.Any(a => a is "*/*" or "application/*" or V2 or KafkaDefault or PlainJson)) return;
        if (accepted.Any(EmbeddedTypes.Contains)) throw RestException.FormatMismatch();
        throw RestException.NotAcceptable($"records of this consumer come as {own}.");
    }

    private static List<string> Accepted(HttpRequest request) =>
        MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var list)
            ? list.Where(m => m.Quality is null or > 0).Select(m => m.MediaType.Value!.ToLowerInvariant()).ToList()
            : [];

    private static string? MediaType(string? contentType) =>
        string.IsNullOrWhiteSpace(contentType) ? null
        : MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType.Value!.ToLowerInvariant()
        : contentType.Trim().ToLowerInvariant();
}
