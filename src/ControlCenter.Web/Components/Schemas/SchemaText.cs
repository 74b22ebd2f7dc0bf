using System.Text.Json;
using ControlCenter.SchemaRegistry.Formats;

namespace ControlCenter.Web.Components.Schemas;

/// <summary>Schema text as people read it: Avro and JSON schemas indented, .proto text as written.</summary>
public static class SchemaText
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Pretty(string schema, SchemaType type)
    {
        if (type == SchemaType.Protobuf) return schema;
        try
        {
            using var doc = JsonDocument.Parse(schema);
            return JsonSerializer.Serialize(doc.RootElement, Indented);
        }
        catch (JsonException) { return schema; }
    }
}
