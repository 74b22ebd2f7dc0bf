using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Generation;

namespace ControlCenter.SchemaRegistry.Formats;

/// <summary>
/// JSON Schema through NJsonSchema. Compatibility follows Confluent's content-model rules: a
/// reader must accept every document the writer accepts, so an open writer (additional
/// properties allowed) can send any property, and a new property in the reader is only safe
/// when the writer was closed.
/// </summary>
public sealed class JsonSchemaFormat : ISchemaFormat
{
    public static readonly JsonSchemaFormat Instance = new();

    public SchemaType Type => SchemaType.Json;

    public sealed class Parsed(JsonSchema schema, string canonical) : ParsedSchema
    {
        public JsonSchema Schema { get; } = schema;
        public override SchemaType Type => SchemaType.Json;
        public override string Canonical { get; } = canonical;
    }

    public ParsedSchema Parse(string schema, IReadOnlyList<ResolvedReference> references)
    {
        string canonical;
        try
        {
            canonical = JsonNode.Parse(schema)?.ToJsonString() ?? throw new InvalidSchemaException("Invalid JSON schema: null");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
        {
            throw new InvalidSchemaException($"Invalid JSON schema: {e.Message}");
        }
        try
        {
            var referenced = new Dictionary<string, JsonSchema>();
            foreach (var reference in AvroFormat.Flatten(references))
                referenced[reference.Name] = Load(reference.Schema, referenced);
            return new Parsed(Load(schema, referenced), canonical);
        }
        catch (Exception e) when (e is Newtonsoft.Json.JsonException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            throw new InvalidSchemaException($"Invalid JSON schema: {e.Message}");
        }
    }

    /// <summary>
    /// Where a schema is taken to live, so that a relative $ref ("address.json") has a document
    /// to be relative to; nothing is ever read from there.
    /// </summary>
    private const string DocumentDirectory = "/schema-registry/";

    /// <summary>Loads a schema whose $refs may name referenced schemas (by the reference's name, relative or a URL) instead of fetching them.</summary>
    private static JsonSchema Load(string text, IReadOnlyDictionary<string, JsonSchema> referenced) =>
        // NJsonSchema is asynchronous only because it can fetch remote $refs; these are all in memory.
        JsonSchema.FromJsonAsync(text, DocumentDirectory + "schema.json", root =>
        {
            var resolver = new JsonReferenceResolver(new JsonSchemaAppender(root, new DefaultTypeNameGenerator()));
            foreach (var (name, schema) in referenced)
                resolver.AddDocumentReference(Uri.IsWellFormedUriString(name, UriKind.Absolute) ? name : DocumentDirectory + name.TrimStart('.', '/'), schema);
            return resolver;
        }, CancellationToken.None).GetAwaiter().GetResult();

    public IReadOnlyList<string> ReadErrors(ParsedSchema reader, ParsedSchema writer)
    {
        var errors = new List<string>();
        Compare(((Parsed)reader).Schema, ((Parsed)writer).Schema, "#", errors, depth: 0);
        return errors;
    }

    private static void Compare(JsonSchema reader, JsonSchema writer, string path, List<string> errors, int depth)
    {
        (reader, writer) = (reader.ActualSchema, writer.ActualSchema);
        if (depth > 32 || ReferenceEquals(reader, writer)) return; // recursive schemas: stop at a sane depth

        if (reader.Type != JsonObjectType.None)
        {
            if (writer.Type == JsonObjectType.None && !IsEmpty(writer))
                errors.Add($"TYPE_NARROWED at {path}: the reader only accepts {reader.Type}, the writer accepted any type");
            else if (writer.Type != JsonObjectType.None)
                foreach (JsonObjectType t in Enum.GetValues<JsonObjectType>())
                    if (t != JsonObjectType.None && writer.Type.HasFlag(t) && !Accepts(reader.Type, t))
                        errors.Add($"TYPE_CHANGED at {path}: the writer's {t} is not accepted by the reader's {reader.Type}");
        }
        if (reader.Enumeration.Count > 0)
        {
            var allowed = reader.Enumeration.Select(Key).ToHashSet();
            if (writer.Enumeration.Count == 0 || writer.Enumeration.Any(v => !allowed.Contains(Key(v))))
                errors.Add($"ENUM_ARRAY_NARROWED at {path}: the reader's enum does not hold every value the writer allowed");
        }
        Narrowed(path, "maxLength", reader.MaxLength, writer.MaxLength, larger: true, errors);
        Narrowed(path, "minLength", reader.MinLength, writer.MinLength, larger: false, errors);
        Narrowed(path, "maximum", reader.Maximum, writer.Maximum, larger: true, errors);
        Narrowed(path, "minimum", reader.Minimum, writer.Minimum, larger: false, errors);
        Narrowed<int>(path, "maxItems", reader.MaxItems == 0 ? null : reader.MaxItems, writer.MaxItems == 0 ? null : writer.MaxItems, larger: true, errors);
        Narrowed<int>(path, "minItems", reader.MinItems == 0 ? null : reader.MinItems, writer.MinItems == 0 ? null : writer.MinItems, larger: false, errors);
        if (reader.Pattern is not null && reader.Pattern != writer.Pattern)
            errors.Add($"PATTERN_CHANGED at {path}: the reader's pattern '{reader.Pattern}' is not the writer's");

        CompareObjects(reader, writer, path, errors, depth);
        if (reader.Item is not null)
        {
            if (writer.Item is null) errors.Add($"ITEMS_NARROWED at {path}/items: the reader constrains array items the writer did not");
            else Compare(reader.Item, writer.Item, path + "/items", errors, depth + 1);
        }
    }

    private static void CompareObjects(JsonSchema reader, JsonSchema writer, string path, List<string> errors, int depth)
    {
        bool writerOpen = writer.AllowAdditionalProperties;
        if (!reader.AllowAdditionalProperties && writerOpen)
            errors.Add($"ADDITIONAL_PROPERTIES_REMOVED at {path}: the reader closes the content model the writer left open");
        foreach (var (name, property) in reader.Properties)
        {
            string at = $"{path}/properties/{name}";
            if (writer.Properties.TryGetValue(name, out var written))
            {
                Compare(property, written, at, errors, depth + 1);
                if (reader.RequiredProperties.Contains(name) && !writer.RequiredProperties.Contains(name))
                    errors.Add($"REQUIRED_ATTRIBUTE_ADDED at {at}: the reader requires '{name}', the writer did not");
            }
            else if (reader.RequiredProperties.Contains(name))
                errors.Add($"REQUIRED_PROPERTY_ADDED at {at}: the reader requires '{name}', which the writer never wrote");
            else if (writerOpen && !IsEmpty(property.ActualSchema))
                errors.Add($"PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL at {at}: the writer's open content model may have sent '{name}' with any value");
        }
        foreach (var (name, written) in writer.Properties)
        {
            if (reader.Properties.ContainsKey(name)) continue;
            string at = $"{path}/properties/{name}";
            if (!reader.AllowAdditionalProperties)
                errors.Add($"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL at {at}: the writer wrote '{name}', the reader's closed content model refuses it");
            else if (reader.AdditionalPropertiesSchema is { } additional)
                Compare(additional, written, at, errors, depth + 1);
        }
    }

    private static void Narrowed<T>(string path, string keyword, T? reader, T? writer, bool larger, List<string> errors) where T : struct, IComparable<T>
    {
        if (reader is not { } r) return;
        if (writer is not { } w || (larger ? r.CompareTo(w) < 0 : r.CompareTo(w) > 0))
            errors.Add($"{keyword.ToUpperInvariant()}_NARROWED at {path}: the reader's {keyword} {r} refuses values the writer allowed");
    }

    private static bool Accepts(JsonObjectType reader, JsonObjectType written) =>
        reader.HasFlag(written) || (written == JsonObjectType.Integer && reader.HasFlag(JsonObjectType.Number));

    /// <summary>A schema that accepts anything: {} or true.</summary>
    private static bool IsEmpty(JsonSchema schema) =>
        schema.Type == JsonObjectType.None && schema.Properties.Count == 0 && schema.Enumeration.Count == 0 && schema.Item is null
        && schema.OneOf.Count == 0 && schema.AnyOf.Count == 0 && schema.AllOf.Count == 0 && schema.Not is null && schema.Reference is null;

    private static string Key(object? value) => value is null ? "null" : Newtonsoft.Json.JsonConvert.SerializeObject(value);
}
