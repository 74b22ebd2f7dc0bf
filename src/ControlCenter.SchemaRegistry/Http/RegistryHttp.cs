using System.Text.Json;
using System.Text.Json.Serialization;
using ControlCenter.SchemaRegistry.Formats;
using ControlCenter.SchemaRegistry.Registry;
using Microsoft.AspNetCore.Http;

namespace ControlCenter.SchemaRegistry.Http;

/// <summary>Answers and request bodies of Confluent's registry API: its media type, field names and error bodies.</summary>
internal static class RegistryHttp
{
    public const string MediaType = "application/vnd.schemaregistry.v1+json";

    private static readonly string[] Accepted = [MediaType, "application/vnd.schemaregistry+json", "application/json", "application/octet-stream"];

    public static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Task WriteAsync<T>(HttpContext context, T body, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = MediaType;
        return JsonSerializer.SerializeAsync(context.Response.Body, body, Json, context.RequestAborted);
    }

    public static Task ErrorAsync(HttpContext context, int status, int errorCode, string message) =>
        WriteAsync(context, new ErrorBody(errorCode, message), status);

    /// <summary>The JSON body of a write, refusing media types Confluent's registry refuses (415) and bodies that are not JSON (400).</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request) where T : class
    {
        string? type = request.ContentType?.Split(';')[0].Trim();
        if (type is not null && !Accepted.Contains(type, StringComparer.OrdinalIgnoreCase))
            throw new RegistryException(415, 415, $"HTTP 415 Unsupported Media Type: {type}");
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, Json, request.HttpContext.RequestAborted)
                ?? throw new RegistryException(400, 400, "Request body is empty");
        }
        catch (JsonException e)
        {
            throw new RegistryException(400, 400, $"Unrecognized request body: {e.Message}");
        }
    }

    public static bool Flag(HttpRequest request, string name) => string.Equals(request.Query[name], "true", StringComparison.OrdinalIgnoreCase);

    public static SchemaRequest ToRequest(this RegisterBody body, bool allowIds)
    {
        if (string.IsNullOrWhiteSpace(body.Schema)) throw RegistryException.InvalidSchema("Empty schema");
        var type = SchemaTypes.Parse(body.SchemaType) ?? throw RegistryException.InvalidSchema($"Invalid schema type {body.SchemaType}");
        var references = (body.References ?? []).Select(r => new SchemaReference(r.Name ?? "", r.Subject ?? "", r.Version ?? -1)).ToList();
        if (references.Any(r => r.Name.Length == 0 || r.Subject.Length == 0 || r.Version < 1))
            throw RegistryException.InvalidSchema("A reference needs a name, a subject and a version");
        return new SchemaRequest(body.Schema, type, references, allowIds ? body.Id : null, allowIds ? body.Version : null);
    }

    public static VersionBody ToBody(this SchemaVersion v) =>
        new(v.Subject, v.Version, v.Id, v.Type == SchemaType.Avro ? null : v.Type.ApiName(), References(v.References), v.Schema);

    public static List<ReferenceBody>? References(IReadOnlyList<SchemaReference> references) =>
        references.Count == 0 ? null : references.Select(r => new ReferenceBody(r.Name, r.Subject, r.Version)).ToList();
}

internal sealed record ErrorBody([property: JsonPropertyName("error_code")] int ErrorCode, [property: JsonPropertyName("message")] string Message);

internal sealed record ReferenceBody(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("subject")] string? Subject,
    [property: JsonPropertyName("version")] int? Version);

internal sealed record RegisterBody(
    [property: JsonPropertyName("schema")] string? Schema,
    [property: JsonPropertyName("schemaType")] string? SchemaType,
    [property: JsonPropertyName("references")] List<ReferenceBody>? References,
    [property: JsonPropertyName("id")] int? Id,
    [property: JsonPropertyName("version")] int? Version);

internal sealed record VersionBody(
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("schemaType")] string? SchemaType,
    [property: JsonPropertyName("references")] List<ReferenceBody>? References,
    [property: JsonPropertyName("schema")] string Schema);

internal sealed record SchemaByIdBody(
    [property: JsonPropertyName("schema")] string Schema,
    [property: JsonPropertyName("schemaType")] string? SchemaType,
    [property: JsonPropertyName("references")] List<ReferenceBody>? References);

internal sealed record CompatibilityBody([property: JsonPropertyName("compatibility")] string? Compatibility,
    [property: JsonPropertyName("compatibilityLevel")] string? CompatibilityLevel);

internal sealed record ModeBody([property: JsonPropertyName("mode")] string? Mode);
