extern alias ProtoParser;
using System.Globalization;
using System.Text.Json.Nodes;
using ControlCenter.SchemaRegistry.Formats;
using Google.Protobuf;
using ProtoParser::Google.Protobuf.Reflection;
using FieldType = ProtoParser::Google.Protobuf.Reflection.FieldDescriptorProto.Type;
using FieldLabel = ProtoParser::Google.Protobuf.Reflection.FieldDescriptorProto.Label;

namespace ControlCenter.SchemaRegistry.Serdes;

/// <summary>
/// Protobuf bytes to JSON and back, driven by descriptors parsed from .proto text (there are no
/// generated classes for a schema fetched at run time). Google.Protobuf reads and writes the
/// wire format; this walks the descriptors. Field names are the .proto names; input also
/// accepts their lowerCamelCase JSON names.
/// </summary>
public sealed class ProtobufJson(ProtobufFormat.Parsed schema)
{
    private readonly IReadOnlyDictionary<string, DescriptorProto> _messages = schema.Messages;
    private readonly Dictionary<string, EnumDescriptorProto> _enums = IndexEnums(schema.Set);

    /// <summary>The message a Confluent message-index path names: [0] is the file's first message, [1, 0] the first nested type of the second.</summary>
    public DescriptorProto MessageAt(IReadOnlyList<int> indexes, out string fullName)
    {
        var file = schema.File;
        string prefix = string.IsNullOrEmpty(file.Package) ? "" : "." + file.Package;
        IList<DescriptorProto> level = file.MessageTypes;
        DescriptorProto? message = null;
        foreach (int index in indexes.Count == 0 ? [0] : indexes)
        {
            if (index < 0 || index >= level.Count) throw new FormatException($"Message index {index} is not in the schema");
            message = level[index];
            prefix += "." + message.Name;
            level = message.NestedTypes;
        }
        fullName = prefix;
        return message!;
    }

    public JsonObject Decode(ReadOnlySpan<byte> data, DescriptorProto message) => Decode(new CodedInputStream(data.ToArray()), message, 0);

    private JsonObject Decode(CodedInputStream input, DescriptorProto message, int depth)
    {
        if (depth > 64) throw new FormatException("Messages nest too deeply");
        var fields = message.Fields.ToDictionary(f => f.Number);
        var json = new JsonObject();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (!fields.TryGetValue(WireFormat.GetTagFieldNumber(tag), out var field))
            {
                input.SkipLastField();
                continue;
            }
            bool packed = field.label == FieldLabel.LabelRepeated && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited && IsScalar(field);
            if (packed)
            {
                var bytes = input.ReadBytes();
                var inner = new CodedInputStream(bytes.ToByteArray());
                while (!inner.IsAtEnd) Add(json, field, ReadValue(inner, field, depth));
            }
            else Add(json, field, ReadValue(input, field, depth));
        }
        return json;
    }

    private void Add(JsonObject json, FieldDescriptorProto field, JsonNode? value)
    {
        if (field.label != FieldLabel.LabelRepeated) { json[field.Name] = value; return; }
        if (IsMap(field, out _))
        {
            var map = json[field.Name] as JsonObject ?? (JsonObject)(json[field.Name] = new JsonObject());
            var entry = (JsonObject)value!;
            string key = entry["key"]?.ToString() ?? "";
            map[key] = entry["value"]?.DeepClone();
            return;
        }
        var array = json[field.Name] as JsonArray ?? (JsonArray)(json[field.Name] = new JsonArray());
        array.Add(value);
    }

    private JsonNode? ReadValue(CodedInputStream input, FieldDescriptorProto field, int depth) => field.type switch
    {
        FieldType.TypeDouble => input.ReadDouble(),
        FieldType.TypeFloat => input.ReadFloat(),
        FieldType.TypeInt64 => input.ReadInt64(),
        FieldType.TypeUint64 => input.ReadUInt64(),
        FieldType.TypeInt32 => input.ReadInt32(),
        FieldType.TypeFixed64 => input.ReadFixed64(),
        FieldType.TypeFixed32 => input.ReadFixed32(),
        FieldType.TypeBool => input.ReadBool(),
        FieldType.TypeString => input.ReadString(),
        FieldType.TypeBytes => Convert.ToBase64String(input.ReadBytes().Span),
        FieldType.TypeUint32 => input.ReadUInt32(),
        FieldType.TypeSfixed32 => input.ReadSFixed32(),
        FieldType.TypeSfixed64 => input.ReadSFixed64(),
        FieldType.TypeSint32 => input.ReadSInt32(),
        FieldType.TypeSint64 => input.ReadSInt64(),
        FieldType.TypeEnum => EnumName(field, input.ReadEnum()),
        FieldType.TypeMessage => Decode(new CodedInputStream(input.ReadBytes().ToByteArray()), Message(field), depth + 1),
        _ => throw new FormatException($"Field {field.Name} has the unsupported type {field.type}"),
    };

    private JsonNode EnumName(FieldDescriptorProto field, int number) =>
        _enums.TryGetValue(field.TypeName, out var e) && e.Values.FirstOrDefault(v => v.Number == number) is { } value
            ? JsonValue.Create(value.Name) : JsonValue.Create(number);

    /// <summary>Encodes a JSON object as <paramref name="message"/>; unknown fields and wrong types are errors with the field's path.</summary>
    public byte[] Encode(JsonObject json, DescriptorProto message)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        Encode(output, json, message, "", 0);
        output.Flush();
        return stream.ToArray();
    }

    private void Encode(CodedOutputStream output, JsonObject json, DescriptorProto message, string path, int depth)
    {
        if (depth > 64) throw new FormatException("Messages nest too deeply");
        foreach (var (name, value) in json)
        {
            var field = message.Fields.FirstOrDefault(f => f.Name == name || f.JsonName == name || LowerCamel(f.Name) == name)
                ?? throw new FormatException($"{path}{name}: {message.Name} has no such field");
            if (value is null) continue;
            string at = path + name;
            if (IsMap(field, out var entry))
            {
                if (value is not JsonObject map) throw new FormatException($"{at}: a map takes a JSON object");
                foreach (var (key, item) in map)
                    WriteMessage(output, field.Number, new JsonObject { ["key"] = key, ["value"] = item?.DeepClone() }, entry, at + ".", depth);
            }
            else if (field.label == FieldLabel.LabelRepeated)
            {
                if (value is not JsonArray array) throw new FormatException($"{at}: a repeated field takes a JSON array");
                foreach (var item in array) if (item is not null) WriteValue(output, field, item, at, depth);
            }
            else WriteValue(output, field, value, at, depth);
        }
    }

    private void WriteMessage(CodedOutputStream output, int number, JsonObject json, DescriptorProto message, string path, int depth)
    {
        using var stream = new MemoryStream();
        var inner = new CodedOutputStream(stream);
        Encode(inner, json, message, path, depth + 1);
        inner.Flush();
        output.WriteTag(number, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(stream.ToArray()));
    }

    private void WriteValue(CodedOutputStream output, FieldDescriptorProto field, JsonNode value, string at, int depth)
    {
        try
        {
            if (field.type == FieldType.TypeMessage)
            {
                if (value is not JsonObject obj) throw new FormatException($"{at}: expected a JSON object for {field.TypeName.TrimStart('.')}");
                WriteMessage(output, field.Number, obj, Message(field), at + ".", depth);
                return;
            }
            var v = value.AsValue();
            switch (field.type)
            {
                case FieldType.TypeDouble: output.WriteTag(field.Number, WireFormat.WireType.Fixed64); output.WriteDouble(Number<double>(v)); break;
                case FieldType.TypeFloat: output.WriteTag(field.Number, WireFormat.WireType.Fixed32); output.WriteFloat(Number<float>(v)); break;
                case FieldType.TypeInt64: output.WriteTag(field.Number, WireFormat.WireType.Varint); output.WriteInt64(Number<long>(v)); break;
                case FieldType.TypeUint64: output.WriteTag(field.Number, WireFormat.WireType.Varint); output.WriteUInt64(Number<ulong>(v)); break;
                case FieldType.TypeInt32: output.WriteTag(field.Number, WireFormat.WireType.Varint); output.WriteInt32(Number<int>(v)); break;
                case FieldType.TypeFixed64: output.WriteTag(field.Number, WireFormat.WireType.Fixed64); output.WriteFixed64(Number<ulong>(v)); break;
                case FieldType.TypeFixed32: output.WriteTag(field.Number, WireFormat.WireType.Fixed32); output.WriteFixed32(Number<uint>(v)); break;
                case FieldType.TypeBool: output.WriteTag(field.Number, WireFormat.WireType.Varint); output.WriteBool(v.GetValue<bool>()); break;
                case FieldType.TypeString: output.WriteTag(field.Number, WireFormat.WireType.LengthDelimited); output.WriteString(v.GetValue<string>()); break;
                case FieldType.TypeBytes: output.WriteTag(field.Number, WireFormat.WireType.LengthDelimited); output.WriteBytes(ByteString.FromBase64(v.GetValue<string>())); break;
                case FieldType.TypeUint32: output.WriteTag(field.Number, WireFormat.WireType.Varint); output.WriteUInt32(Number<uint>(v)); break;
                case FieldType.TypeSfixed32: output.WriteTag(field.Number, WireFormat.WireType.Fixed32); output.WriteSFixed32(Number<int>(v)); break;
                case FieldType.TypeSfixed64: output.WriteTag(field.Number, WireFormat.WireType.Fixed64); output.WriteSFixed64(Number<long>(v)); break;
                case FieldType.TypeSint32: output.WriteTag(field.Number, WireFormat.WireType.Varint); output.WriteSInt32(Number<int>(v)); break;
                case FieldType.TypeSint64: output.WriteTag(field.Number, WireFormat.WireType.Varint); output.WriteSInt64(Number<long>(v)); break;
                case FieldType.TypeEnum: output.WriteTag(field.Number, WireFormat.WireType.Varint); output.WriteEnum(EnumNumber(field, v, at)); break;
                default: throw new FormatException($"{at}: the type {field.type} is not supported");
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException && e is not ProtobufFormatException)
        {
            throw new ProtobufFormatException($"{at}: {e.Message}");
        }
    }

    private int EnumNumber(FieldDescriptorProto field, JsonValue value, string at)
    {
        if (value.TryGetValue<int>(out int number)) return number;
        string name = value.GetValue<string>();
        return _enums.TryGetValue(field.TypeName, out var e) && e.Values.FirstOrDefault(v => v.Name == name) is { } found
            ? found.Number : throw new FormatException($"'{name}' is not a value of {field.TypeName.TrimStart('.')}");
    }

    /// <summary>A JSON number, or a string holding one (proto3 JSON writes 64-bit integers as strings).</summary>
    private static T Number<T>(JsonValue value) where T : struct, IParsable<T> =>
        value.TryGetValue<T>(out var n) ? n
        : value.TryGetValue<string>(out var s) && T.TryParse(s, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : value.TryGetValue<double>(out double d) && typeof(T) != typeof(double) && d == Math.Floor(d) && T.TryParse(d.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture, out var whole) ? whole
        : throw new FormatException($"expected a {typeof(T).Name.ToLowerInvariant()}, got {value.ToJsonString()}");

    private DescriptorProto Message(FieldDescriptorProto field) =>
        _messages.TryGetValue(field.TypeName, out var m) ? m : throw new FormatException($"Unknown message type {field.TypeName}");

    private bool IsMap(FieldDescriptorProto field, out DescriptorProto entry)
    {
        entry = null!;
        if (field.label != FieldLabel.LabelRepeated || field.type != FieldType.TypeMessage || !_messages.TryGetValue(field.TypeName, out var m)) return false;
        entry = m;
        return m.Options?.MapEntry == true;
    }

    private static bool IsScalar(FieldDescriptorProto field) => field.type is not (FieldType.TypeString or FieldType.TypeBytes or FieldType.TypeMessage or FieldType.TypeGroup);

    private static string LowerCamel(string name)
    {
        var parts = name.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => p.Length == 0 ? "" : char.ToUpperInvariant(p[0]) + p[1..]));
    }

    private static Dictionary<string, EnumDescriptorProto> IndexEnums(FileDescriptorSet set)
    {
        var all = new Dictionary<string, EnumDescriptorProto>();
        foreach (var file in set.Files)
        {
            string prefix = string.IsNullOrEmpty(file.Package) ? "" : "." + file.Package;
            foreach (var e in file.EnumTypes) all[prefix + "." + e.Name] = e;
            foreach (var m in file.MessageTypes) AddNested(prefix, m);
        }
        return all;

        void AddNested(string prefix, DescriptorProto message)
        {
            string name = prefix + "." + message.Name;
            foreach (var e in message.EnumTypes) all[name + "." + e.Name] = e;
            foreach (var nested in message.NestedTypes) AddNested(name, nested);
        }
    }
}

/// <summary>JSON that does not fit a Protobuf message; the message names the field.</summary>
public sealed class ProtobufFormatException(string message) : FormatException(message);
