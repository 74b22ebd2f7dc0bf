namespace ControlCenter.SchemaRegistry.Formats;

/// <summary>The schema types Confluent's registry knows, by the names its API uses.</summary>
public enum SchemaType { Avro, Json, Protobuf }

public static class SchemaTypes
{
    public static readonly IReadOnlyList<string> ApiNames = ["JSON", "PROTOBUF", "AVRO"];

    /// <summary>AVRO when absent, as Confluent's API defaults it.</summary>
    public static SchemaType? Parse(string? name) => (name ?? "AVRO").ToUpperInvariant() switch
    {
        "AVRO" => SchemaType.Avro,
        "JSON" => SchemaType.Json,
        "PROTOBUF" => SchemaType.Protobuf,
        _ => null,
    };

    public static string ApiName(this SchemaType type) => type switch
    {
        SchemaType.Avro => "AVRO",
        SchemaType.Json => "JSON",
        _ => "PROTOBUF",
    };

    public static ISchemaFormat Format(this SchemaType type) => type switch
    {
        SchemaType.Avro => AvroFormat.Instance,
        SchemaType.Json => JsonSchemaFormat.Instance,
        _ => ProtobufFormat.Instance,
    };
}

/// <summary>A reference of a schema to another, by the name the schema uses for it (Confluent's SchemaReference).</summary>
public sealed record SchemaReference(string Name, string Subject, int Version);

/// <summary>A referenced schema with its own references resolved, dependencies first.</summary>
public sealed record ResolvedReference(string Name, SchemaType Type, string Schema, IReadOnlyList<ResolvedReference> References);

/// <summary>A schema that parsed: its canonical form decides identity (an identical schema gets the same id).</summary>
public abstract class ParsedSchema
{
    public abstract SchemaType Type { get; }

    /// <summary>The text to store and to compare for identity: whitespace and formatting do not make a new schema.</summary>
    public abstract string Canonical { get; }

    /// <summary>What two schemas must share to be the same schema (the canonical text unless the format knows better).</summary>
    public virtual string Identity => Canonical;
}

/// <summary>The schema text is not a valid schema of its type (Confluent's 42201).</summary>
public sealed class InvalidSchemaException(string message) : Exception(message);

/// <summary>Parsing and the compatibility rules of one schema type.</summary>
public interface ISchemaFormat
{
    SchemaType Type { get; }

    /// <summary>Parses <paramref name="schema"/> with its references; throws <see cref="InvalidSchemaException"/>.</summary>
    ParsedSchema Parse(string schema, IReadOnlyList<ResolvedReference> references);

    /// <summary>
    /// Why data written with <paramref name="writer"/> cannot be read with <paramref name="reader"/>
    /// (empty when it can), by the format's own resolution rules.
    /// </summary>
    IReadOnlyList<string> ReadErrors(ParsedSchema reader, ParsedSchema writer);
}
