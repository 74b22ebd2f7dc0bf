using Avro;

namespace ControlCenter.SchemaRegistry.Formats;

/// <summary>Avro schemas through Apache.Avro; compatibility is Avro's schema resolution (Schema.CanRead).</summary>
public sealed class AvroFormat : ISchemaFormat
{
    public static readonly AvroFormat Instance = new();

    public SchemaType Type => SchemaType.Avro;

    public sealed class Parsed(Schema schema) : ParsedSchema
    {
        public Schema Schema { get; } = schema;
        public override SchemaType Type => SchemaType.Avro;
        public override string Canonical { get; } = schema.ToString();
    }

    public ParsedSchema Parse(string schema, IReadOnlyList<ResolvedReference> references)
    {
        try
        {
            // Named types of referenced schemas become known names for the referring one.
            var names = new SchemaNames();
            foreach (var reference in Flatten(references))
                Schema.Parse(reference.Schema, names, null);
            return new Parsed(Schema.Parse(schema, names, null));
        }
        catch (Exception e) when (e is AvroException or Newtonsoft.Json.JsonException or ArgumentException)
        {
            throw new InvalidSchemaException($"Invalid Avro schema: {e.Message}");
        }
    }

    /// <summary>Dependencies before the schemas that use them.</summary>
    internal static IEnumerable<ResolvedReference> Flatten(IReadOnlyList<ResolvedReference> references)
    {
        var seen = new HashSet<string>();
        foreach (var reference in references)
            foreach (var r in Visit(reference, seen))
                yield return r;

        static IEnumerable<ResolvedReference> Visit(ResolvedReference reference, HashSet<string> seen)
        {
            if (!seen.Add(reference.Name)) yield break;
            foreach (var inner in reference.References)
                foreach (var r in Visit(inner, seen))
                    yield return r;
            yield return reference;
        }
    }

    public IReadOnlyList<string> ReadErrors(ParsedSchema reader, ParsedSchema writer)
    {
        var (r, w) = (((Parsed)reader).Schema, ((Parsed)writer).Schema);
        if (r.CanRead(w)) return [];
        return [Explain(r, w, "/") ?? $"Reader schema {Describe(r)} cannot read data written with {Describe(w)}"];
    }

    /// <summary>The first place where resolution fails, in Confluent's words where they exist.</summary>
    private static string? Explain(Schema reader, Schema writer, string path)
    {
        if (reader is RecordSchema rr && writer is RecordSchema wr)
        {
            foreach (var field in rr.Fields)
            {
                if (!wr.TryGetField(field.Name, out var written))
                {
                    if (field.DefaultValue is null)
                        return $"READER_FIELD_MISSING_DEFAULT_VALUE at {path}fields/{field.Name}: the reader's field '{field.Name}' has no default and the writer has no such field";
                    continue;
                }
                if (!field.Schema.CanRead(written.Schema))
                    return Explain(field.Schema, written.Schema, $"{path}fields/{field.Name}/") ?? TypeMismatch(field.Schema, written.Schema, $"{path}fields/{field.Name}");
            }
            return null;
        }
        if (reader is EnumSchema re && writer is EnumSchema we)
        {
            var missing = we.Symbols.Where(s => !re.Contains(s)).ToList();
            if (missing.Count > 0 && re.Default is null)
                return $"MISSING_ENUM_SYMBOLS at {path}symbols: the reader lacks {string.Join(", ", missing)}";
            return null;
        }
        if (writer is UnionSchema wu)
        {
            foreach (var branch in wu.Schemas)
                if (!reader.CanRead(branch))
                    return $"MISSING_UNION_BRANCH at {path}: the reader cannot read the writer's branch {Describe(branch)}";
            return null;
        }
        return TypeMismatch(reader, writer, path.TrimEnd('/'));
    }

    private static string TypeMismatch(Schema reader, Schema writer, string path) =>
        $"TYPE_MISMATCH at {(path.Length == 0 ? "/" : path)}: the reader's type {Describe(reader)} cannot read the writer's {Describe(writer)}";

    private static string Describe(Schema schema) => schema is NamedSchema named ? $"{schema.Tag.ToString().ToLowerInvariant()} {named.Fullname}" : schema.Tag.ToString().ToLowerInvariant();
}
