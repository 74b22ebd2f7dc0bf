using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ControlCenter.RestProxy.Http;

/// <summary>
/// Request bodies read as JSON documents and taken apart by hand, so that every wrong shape
/// gets a message naming the field (422) and unparsable text a 400, before anything is sent to Kafka.
/// </summary>
public static class RequestBody
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <summary>The body as JSON, or null when there is none.</summary>
    public static async Task<JsonElement?> ReadAsync(HttpRequest request, CancellationToken cancellation)
    {
        MediaTypes.RequireJsonBody(request);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellation);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Span.Trim(" \n\r\t"u8).IsEmpty) return null;
        try
        {
            using var document = JsonDocument.Parse(bytes, Options);
            return document.RootElement.Clone();
        }
        catch (JsonException e) { throw RestException.MalformedJson(e.Message); }
    }

    public static async Task<JsonElement> ReadRequiredAsync(HttpRequest request, CancellationToken cancellation) =>
        await ReadAsync(request, cancellation) ?? throw RestException.Unprocessable("The request body may not be empty.");

    public static JsonElement Object(JsonElement element, string what) =>
        element.ValueKind == JsonValueKind.Object ? element : throw RestException.Unprocessable($"{what} must be a JSON object.");

    public static JsonElement? Property(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static JsonElement RequiredArray(JsonElement obj, string name)
    {
        var value = Property(obj, name) ?? throw RestException.Unprocessable($"Field '{name}' is required.");
        return value.ValueKind == JsonValueKind.Array ? value : throw RestException.Unprocessable($"Field '{name}' must be an array.");
    }

    public static string? String(JsonElement obj, string name) => Property(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        // Confluent's configs are strings but scripts send true/false and numbers too.
        { ValueKind: JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number } v => v.GetRawText(),
        _ => throw RestException.Unprocessable($"Field '{name}' must be a string."),
    };

    public static string RequiredString(JsonElement obj, string name) =>
        String(obj, name) is { Length: > 0 } s ? s : throw RestException.Unprocessable($"Field '{name}' is required.");

    public static int? Int(JsonElement obj, string name, int min = 0) => Property(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt32(out int n) && n >= min => n,
        _ => throw RestException.Unprocessable($"Field '{name}' must be an integer ≥ {min}."),
    };

    public static long RequiredLong(JsonElement obj, string name, long min = 0) => Property(obj, name) switch
    {
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt64(out long n) && n >= min => n,
        null => throw RestException.Unprocessable($"Field '{name}' is required."),
        _ => throw RestException.Unprocessable($"Field '{name}' must be an integer ≥ {min}."),
    };

    /// <summary>[{"topic": "t", "partition": 0}, …] under <paramref name="name"/>.</summary>
    public static List<Confluent.Kafka.TopicPartition> Partitions(JsonElement body, string name = "partitions") =>
        RequiredArray(Object(body, "The request body"), name).EnumerateArray().Select(p =>
        {
            var obj = Object(p, $"Each entry of '{name}'");
            return new Confluent.Kafka.TopicPartition(RequiredString(obj, "topic"), Int(obj, "partition") ?? throw RestException.Unprocessable("Field 'partition' is required."));
        }).ToList();

    /// <summary>[{"topic": "t", "partition": 0, "offset": 5}, …] under "offsets".</summary>
    public static List<Confluent.Kafka.TopicPartitionOffset> Offsets(JsonElement body) =>
        RequiredArray(Object(body, "The request body"), "offsets").EnumerateArray().Select(p =>
        {
            var obj = Object(p, "Each entry of 'offsets'");
            return new Confluent.Kafka.TopicPartitionOffset(RequiredString(obj, "topic"),
                Int(obj, "partition") ?? throw RestException.Unprocessable("Field 'partition' is required."), RequiredLong(obj, "offset"));
        }).ToList();
}
