extern alias ProtoParser;
using ProtoParser::Google.Protobuf.Reflection;
using FieldType = ProtoParser::Google.Protobuf.Reflection.FieldDescriptorProto.Type;
using FieldLabel = ProtoParser::Google.Protobuf.Reflection.FieldDescriptorProto.Label;

namespace ControlCenter.SchemaRegistry.Formats;

/// <summary>
/// Protobuf schemas as .proto text, parsed with protobuf-net.Reflection into descriptors.
/// Compatibility follows Confluent's Protobuf rules: messages may not disappear, a field number
/// keeps a wire-compatible type, fields may not move into an existing oneof, proto2 required
/// fields may be neither added nor removed.
/// </summary>
public sealed class ProtobufFormat : ISchemaFormat
{
    public static readonly ProtobufFormat Instance = new();

    public SchemaType Type => SchemaType.Protobuf;

    public sealed class Parsed(FileDescriptorSet set, FileDescriptorProto file, string text, string identity) : ParsedSchema
    {
        public FileDescriptorSet Set { get; } = set;
        public FileDescriptorProto File { get; } = file;
        public override SchemaType Type => SchemaType.Protobuf;
        public override string Canonical { get; } = text;
        public override string Identity { get; } = identity;

        /// <summary>Every message of the file by full name (".pkg.Outer.Inner"), nested ones included, across the file's imports too.</summary>
        public IReadOnlyDictionary<string, DescriptorProto> Messages => _messages ??= IndexMessages(Set);
        private IReadOnlyDictionary<string, DescriptorProto>? _messages;

        /// <summary>The JSON reader and writer of this schema, built once: it indexes the schema's messages and enums, which every record would otherwise repeat.</summary>
        public Serdes.ProtobufJson Json => _json ??= new Serdes.ProtobufJson(this);
        private Serdes.ProtobufJson? _json;
    }

    public ParsedSchema Parse(string schema, IReadOnlyList<ResolvedReference> references)
    {
        const string main = "schema.proto";
        var set = new FileDescriptorSet();
        foreach (var reference in AvroFormat.Flatten(references))
            set.Add(reference.Name, includeInOutput: false, new StringReader(reference.Schema));
        set.Add(main, includeInOutput: true, new StringReader(schema));
        set.Process();
        var errors = set.GetErrors().Where(e => e.IsError).ToList();
        if (errors.Count > 0)
            throw new InvalidSchemaException("Invalid Protobuf schema: " + string.Join("; ", errors.Select(e => $"line {e.LineNumber}: {e.Message}")));
        var file = set.Files.Single(f => f.Name == main);
        if (file.MessageTypes.Count == 0) throw new InvalidSchemaException("Invalid Protobuf schema: it declares no message");
        return new Parsed(set, file, schema.Trim(), Identity(file));
    }

    /// <summary>
    /// What the file declares, written out in a fixed order: formatting, comments and the order
    /// of declarations in the text do not make a new schema.
    /// </summary>
    private static string Identity(FileDescriptorProto file)
    {
        var text = new System.Text.StringBuilder();
        text.Append(file.Syntax).Append(';').Append(file.Package).Append(';');
        foreach (var dependency in file.Dependencies.Order(StringComparer.Ordinal)) text.Append("import ").Append(dependency).Append(';');
        foreach (var e in file.EnumTypes.OrderBy(e => e.Name, StringComparer.Ordinal)) Describe(text, e);
        foreach (var m in file.MessageTypes) Describe(text, m);
        return text.ToString();

        static void Describe(System.Text.StringBuilder text, object declaration)
        {
            if (declaration is EnumDescriptorProto e)
            {
                text.Append("enum ").Append(e.Name).Append('{');
                foreach (var v in e.Values) text.Append(v.Name).Append('=').Append(v.Number).Append(';');
                text.Append('}');
                return;
            }
            var m = (DescriptorProto)declaration;
            text.Append("message ").Append(m.Name).Append('{');
            foreach (var f in m.Fields.OrderBy(f => f.Number))
                text.Append(f.label).Append(' ').Append(f.type).Append(' ').Append(f.TypeName).Append(' ').Append(f.Name).Append('=').Append(f.Number)
                    .Append(f.ShouldSerializeOneofIndex() ? " oneof " + m.OneofDecls[f.OneofIndex].Name : "").Append(f.Proto3Optional ? " optional" : "").Append(';');
            foreach (var nested in m.NestedTypes) Describe(text, nested);
            foreach (var nested in m.EnumTypes) Describe(text, nested);
            text.Append('}');
        }
    }

    internal static Dictionary<string, DescriptorProto> IndexMessages(FileDescriptorSet set)
    {
        var all = new Dictionary<string, DescriptorProto>();
        foreach (var file in set.Files)
        {
            string prefix = string.IsNullOrEmpty(file.Package) ? "" : "." + file.Package;
            foreach (var message in file.MessageTypes) Add(prefix, message);
        }
        return all;

        void Add(string prefix, DescriptorProto message)
        {
            string name = prefix + "." + message.Name;
            all[name] = message;
            foreach (var nested in message.NestedTypes) Add(name, nested);
        }
    }

    public IReadOnlyList<string> ReadErrors(ParsedSchema reader, ParsedSchema writer)
    {
        var (r, w) = ((Parsed)reader, (Parsed)writer);
        var errors = new List<string>();
        var readerMessages = IndexMessages(FileOnly(r));
        foreach (var (name, written) in IndexMessages(FileOnly(w)))
        {
            if (!readerMessages.TryGetValue(name, out var read))
            {
                errors.Add($"MESSAGE_REMOVED: {name[1..]}");
                continue;
            }
            CompareMessage(name[1..], read, written, errors);
        }
        return errors;
    }

    private static FileDescriptorSet FileOnly(Parsed parsed)
    {
        var set = new FileDescriptorSet();
        set.Files.Add(parsed.File);
        return set;
    }

    private static void CompareMessage(string name, DescriptorProto reader, DescriptorProto writer, List<string> errors)
    {
        var readFields = reader.Fields.ToDictionary(f => f.Number);
        var movedToNewOneof = new Dictionary<int, int>();
        foreach (var field in writer.Fields)
        {
            if (!readFields.TryGetValue(field.Number, out var read))
            {
                if (field.label == FieldLabel.LabelRequired) errors.Add($"REQUIRED_FIELD_REMOVED: {name}.{field.Name} ({field.Number})");
                continue;
            }
            string at = $"{name}.{read.Name} ({field.Number})";
            if (Group(read) != Group(field))
                errors.Add($"FIELD_KIND_CHANGED: {at} was {Describe(field)}, is {Describe(read)}");
            else if (IsNamed(read) && Short(read.TypeName) != Short(field.TypeName))
                errors.Add($"FIELD_NAMED_TYPE_CHANGED: {at} was {field.TypeName.TrimStart('.')}, is {read.TypeName.TrimStart('.')}");
            if ((read.label == FieldLabel.LabelRepeated) != (field.label == FieldLabel.LabelRepeated))
                errors.Add($"FIELD_LABEL_CHANGED: {at} changed between repeated and singular");
            bool wasInOneof = field.ShouldSerializeOneofIndex() && !field.Proto3Optional;
            bool isInOneof = read.ShouldSerializeOneofIndex() && !read.Proto3Optional;
            if (isInOneof && !wasInOneof)
            {
                var oneof = reader.OneofDecls[read.OneofIndex].Name;
                if (writer.OneofDecls.Any(o => o.Name == oneof)) errors.Add($"FIELD_MOVED_TO_EXISTING_ONEOF: {at} moved into oneof {oneof}");
                else movedToNewOneof[read.OneofIndex] = movedToNewOneof.GetValueOrDefault(read.OneofIndex) + 1;
            }
        }
        foreach (var (oneof, moved) in movedToNewOneof)
            if (moved > 1) errors.Add($"MULTIPLE_FIELDS_MOVED_TO_ONEOF: {moved} fields of {name} moved into the new oneof {reader.OneofDecls[oneof].Name}");
        var written = writer.Fields.Select(f => f.Number).ToHashSet();
        foreach (var field in reader.Fields)
            if (field.label == FieldLabel.LabelRequired && !written.Contains(field.Number))
                errors.Add($"REQUIRED_FIELD_ADDED: {name}.{field.Name} ({field.Number})");
    }

    /// <summary>Field types that read each other's bytes, as in Confluent's checker (and the protobuf language guide).</summary>
    private static string Group(FieldDescriptorProto field) => field.type switch
    {
        FieldType.TypeInt32 or FieldType.TypeUint32 or FieldType.TypeInt64 or FieldType.TypeUint64 or FieldType.TypeBool => "varint",
        FieldType.TypeSint32 or FieldType.TypeSint64 => "zigzag",
        FieldType.TypeFixed32 or FieldType.TypeSfixed32 => "fixed32",
        FieldType.TypeFixed64 or FieldType.TypeSfixed64 => "fixed64",
        FieldType.TypeString or FieldType.TypeBytes => "length-delimited",
        FieldType.TypeEnum => "enum",
        FieldType.TypeMessage or FieldType.TypeGroup => "message",
        var other => other.ToString(),
    };

    private static bool IsNamed(FieldDescriptorProto field) => field.type is FieldType.TypeMessage or FieldType.TypeEnum or FieldType.TypeGroup;

    private static string Short(string typeName) => typeName.TrimStart('.');

    private static string Describe(FieldDescriptorProto field) =>
        IsNamed(field) ? field.TypeName.TrimStart('.') : field.type.ToString()["Type".Length..].ToLowerInvariant();
}
