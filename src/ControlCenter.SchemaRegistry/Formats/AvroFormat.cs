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
            return new Parsed(Schema.Parse(schema, names, null) ?? throw new InvalidSchemaException($"Invalid Avro schema: it names no known type ({schema.Trim()})"));
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
        var errors = new List<string>();
        Check(((Parsed)reader).Schema, ((Parsed)writer).Schema, "/", errors, []);
        return errors;
    }

    /// <summary>
    /// Avro's schema resolution (the specification's rules, as Java's SchemaCompatibility applies
    /// them): Apache.Avro's own CanRead lets missing enum symbols and union branches through, which
    /// would only fail when such a record arrives.
    /// </summary>
    private static void Check(Schema reader, Schema writer, string path, List<string> errors, HashSet<(string, string)> seen)
    {
        if (writer is UnionSchema wu)
        {
            for (int i = 0; i < wu.Schemas.Count; i++)
                if (!Readable(reader, wu.Schemas[i], seen))
                    errors.Add($"MISSING_UNION_BRANCH at {path}{i}: the reader cannot read the writer's branch {Describe(wu.Schemas[i])}");
            return;
        }
        if (reader is UnionSchema ru)
        {
            if (!ru.Schemas.Any(branch => Readable(branch, writer, seen)))
                errors.Add($"TYPE_MISMATCH at {path}: no branch of the reader's union reads the writer's {Describe(writer)}");
            return;
        }
        if (reader.Tag != writer.Tag)
        {
            if (!Promotes(writer.Tag, reader.Tag)) errors.Add(TypeMismatch(reader, writer, path));
            return;
        }
        switch (reader)
        {
            case RecordSchema rr:
                var wr = (RecordSchema)writer;
                if (!NamesMatch(rr, wr)) { errors.Add($"NAME_MISMATCH at {path}name: expected {wr.Fullname}, found {rr.Fullname}"); return; }
                if (!seen.Add((rr.Fullname, wr.Fullname))) return; // a recursive type already being compared
                foreach (var field in rr.Fields)
                {
                    var written = wr.Fields.FirstOrDefault(f => f.Name == field.Name || (field.Aliases?.Contains(f.Name) ?? false));
                    if (written is not null) Check(field.Schema, written.Schema, $"{path}fields/{field.Name}/", errors, seen);
                    else if (field.DefaultValue is null)
                        errors.Add($"READER_FIELD_MISSING_DEFAULT_VALUE at {path}fields/{field.Name}: the reader's field '{field.Name}' has no default and the writer has no such field");
                }
                break;
            case EnumSchema re:
                var we = (EnumSchema)writer;
                if (!NamesMatch(re, we)) { errors.Add($"NAME_MISMATCH at {path}name: expected {we.Fullname}, found {re.Fullname}"); return; }
                var missing = we.Symbols.Where(symbol => !re.Symbols.Contains(symbol)).ToList();
                if (missing.Count > 0 && re.Default is null)
                    errors.Add($"MISSING_ENUM_SYMBOLS at {path}symbols: the reader lacks {string.Join(", ", missing)}");
                break;
            case FixedSchema rf:
                var wf = (FixedSchema)writer;
                if (!NamesMatch(rf, wf)) errors.Add($"NAME_MISMATCH at {path}name: expected {wf.Fullname}, found {rf.Fullname}");
                else if (rf.Size != wf.Size) errors.Add($"FIXED_SIZE_MISMATCH at {path}size: expected {wf.Size}, found {rf.Size}");
                break;
            case ArraySchema ra:
                Check(ra.ItemSchema, ((ArraySchema)writer).ItemSchema, path + "items/", errors, seen);
                break;
            case MapSchema rm:
                Check(rm.ValueSchema, ((MapSchema)writer).ValueSchema, path + "values/", errors, seen);
                break;
        }
    }

    private static bool Readable(Schema reader, Schema writer, HashSet<(string, string)> seen)
    {
        var errors = new List<string>();
        Check(reader, writer, "/", errors, [.. seen]);
        return errors.Count == 0;
    }

    private static bool NamesMatch(NamedSchema reader, NamedSchema writer) =>
        reader.Fullname == writer.Fullname || reader.Name == writer.Name;

    /// <summary>Avro's promotions: int to long, float or double; long to float or double; float to double; string and bytes both ways.</summary>
    private static bool Promotes(Schema.Type written, Schema.Type read) => (written, read) switch
    {
        (Schema.Type.Int, Schema.Type.Long or Schema.Type.Float or Schema.Type.Double) => true,
        (Schema.Type.Long, Schema.Type.Float or Schema.Type.Double) => true,
        (Schema.Type.Float, Schema.Type.Double) => true,
        (Schema.Type.String, Schema.Type.Bytes) or (Schema.Type.Bytes, Schema.Type.String) => true,
        _ => false,
    };

    private static string TypeMismatch(Schema reader, Schema writer, string path) =>
        $"TYPE_MISMATCH at {(path.Length > 1 ? path.TrimEnd('/') : "/")}: the reader's type {Describe(reader)} cannot read the writer's {Describe(writer)}";

    private static string Describe(Schema schema) => schema is NamedSchema named ? $"{schema.Tag.ToString().ToLowerInvariant()} {named.Fullname}" : schema.Tag.ToString().ToLowerInvariant();
}
