using System.Text;
using ControlCenter.LogFormat;

namespace ControlCenter.Broker.Protocol.Messages;

/// <summary>What a span of an encoded message is, for tools that need to know (the protocol fuzzer mutates exactly these).</summary>
public enum SpanKind
{
    /// <summary>INT16 length of a string (-1: null).</summary>
    Int16Length,
    /// <summary>INT32 length of bytes or count of an array (-1: null).</summary>
    Int32Length,
    /// <summary>Unsigned varint length + 1 of a compact string, bytes or array (0: null).</summary>
    UVarintLength,
    /// <summary>Unsigned varint count of a tagged-field section.</summary>
    TagCount,
    /// <summary>Unsigned varint size of one tagged field.</summary>
    TagSize,
    /// <summary>A whole field's encoding.</summary>
    Field,
}

/// <summary>Where <paramref name="Path"/>'s encoding (or its length prefix) lies in the written bytes.</summary>
public readonly record struct FieldSpan(string Path, SpanKind Kind, int Start, int Length);

/// <summary>
/// Writes a <see cref="StructValue"/> as the given version of a <see cref="MessageSpec"/>:
/// fields absent in that version are skipped, flexible versions use compact encodings and
/// a tagged-field section after every struct. Missing values are written as Kafka's defaults
/// (the field's declared default, else 0, "", empty array; null where the version allows it).
/// </summary>
public static class MessageWriter
{
    public static void Write(MessageSpec spec, short version, StructValue value, KafkaWriter writer, List<FieldSpan>? spans = null) =>
        WriteStruct(spec.Fields, version, spec.IsFlexible(version), value, writer, spans, spec.Name);

    // Paths name spans for tools (the fuzzer); they are built only when spans are asked for, so
    // serving a request allocates nothing here but what tagged fields need.
    private static string Child(List<FieldSpan>? spans, string path, string name) => spans is null ? path : path + "." + name;

    private static void WriteStruct(IReadOnlyList<Field> fields, short version, bool flexible, StructValue value, KafkaWriter w, List<FieldSpan>? spans, string path)
    {
        List<Field>? tagged = null;
        for (int i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (!field.IsPresentIn(version)) continue;
            if (flexible && field.IsTaggedIn(version))
            {
                if (value.GetValueOrDefault(field.Name) is not null) (tagged ??= []).Add(field);
                continue;
            }
            int start = w.Length;
            string fieldPath = Child(spans, path, field.Name);
            WriteField(field, version, flexible, value.GetValueOrDefault(field.Name) ?? field.Default, w, spans, fieldPath);
            spans?.Add(new FieldSpan(fieldPath, SpanKind.Field, start, w.Length - start));
        }
        if (!flexible) return;
        int countStart = w.Length;
        w.WriteUVarint((uint)(tagged?.Count ?? 0));
        Mark(spans, Child(spans, path, "tags"), SpanKind.TagCount, w, countStart);
        if (tagged is null) return;
        tagged.Sort((a, b) => a.Tag.CompareTo(b.Tag));
        foreach (var field in tagged)
        {
            using var body = new KafkaWriter();
            string fieldPath = Child(spans, path, field.Name);
            WriteField(field, version, flexible, value[field.Name], body, null, fieldPath);
            w.WriteUVarint((uint)field.Tag);
            int sizeStart = w.Length;
            w.WriteUVarint((uint)body.Length);
            Mark(spans, fieldPath, SpanKind.TagSize, w, sizeStart);
            w.WriteRaw(body.WrittenSpan);
        }
    }

    private static void WriteField(Field field, short version, bool flexible, object? value, KafkaWriter w, List<FieldSpan>? spans, string path)
    {
        bool nullable = field.IsNullableIn(version);
        if (field.IsArray)
        {
            var items = value as IList<object?>;
            if (items is null && !nullable) items = [];
            WriteLength(items?.Count ?? -1, flexible, SpanKind.Int32Length, w, spans, path);
            for (int i = 0; i < (items?.Count ?? 0); i++)
            {
                string itemPath = spans is null ? path : $"{path}[{i}]";
                if (field.Kind == FieldKind.Struct) WriteStruct(field.Fields!, version, flexible, items![i] as StructValue ?? [], w, spans, itemPath);
                else WriteValue(field.Kind, false, flexible, items![i], w, spans, itemPath);
            }
        }
        else if (field.Kind == FieldKind.Struct)
        {
            if (nullable) w.WriteInt8(value is null ? (sbyte)-1 : (sbyte)1); // presence marker of a nullable struct
            if (value is not null || !nullable) WriteStruct(field.Fields!, version, flexible, value as StructValue ?? [], w, spans, path);
        }
        else WriteValue(field.Kind, nullable, flexible, value, w, spans, path);
    }

    private static void WriteValue(FieldKind kind, bool nullable, bool flexible, object? value, KafkaWriter w, List<FieldSpan>? spans, string path)
    {
        switch (kind)
        {
            case FieldKind.Bool: w.WriteBool(value is true); break;
            case FieldKind.Int8: w.WriteInt8(Convert.ToSByte(value ?? 0)); break;
            case FieldKind.Int16: w.WriteInt16(Convert.ToInt16(value ?? 0)); break;
            case FieldKind.Int32: w.WriteInt32(Convert.ToInt32(value ?? 0)); break;
            case FieldKind.Int64: w.WriteInt64(Convert.ToInt64(value ?? 0L)); break;
            case FieldKind.Float64: w.WriteInt64(BitConverter.DoubleToInt64Bits(Convert.ToDouble(value ?? 0d))); break;
            case FieldKind.Uuid: w.WriteUuid(value as Guid? ?? Guid.Empty); break;
            case FieldKind.String:
                var text = value as string ?? (nullable ? null : "");
                if (text is null) { WriteLength(-1, flexible, SpanKind.Int16Length, w, spans, path); break; }
                int byteCount = Encoding.UTF8.GetByteCount(text);
                WriteLength(byteCount, flexible, SpanKind.Int16Length, w, spans, path);
                Encoding.UTF8.GetBytes(text, w.GetSpan(byteCount));
                w.Advance(byteCount);
                break;
            case FieldKind.Records when value is IRecordsSource source:
                WriteLength(source.Length, flexible, SpanKind.Int32Length, w, spans, path);
                source.CopyTo(w.GetSpan(source.Length)[..source.Length]);
                w.Advance(source.Length);
                break;
            default: // bytes, and records held in memory
                ReadOnlyMemory<byte>? data = value switch { byte[] b => b, ReadOnlyMemory<byte> m => m, _ => nullable ? null : ReadOnlyMemory<byte>.Empty };
                WriteLength(data?.Length ?? -1, flexible, SpanKind.Int32Length, w, spans, path);
                if (data is { } d) w.WriteRaw(d.Span);
                break;
        }
    }

    /// <summary>A length or count, -1 for null: INT16/INT32 in classic versions, unsigned varint + 1 in flexible ones.</summary>
    private static void WriteLength(int length, bool flexible, SpanKind classic, KafkaWriter w, List<FieldSpan>? spans, string path)
    {
        int start = w.Length;
        if (flexible) w.WriteUVarint((uint)(length + 1));
        else if (classic == SpanKind.Int16Length) w.WriteInt16((short)length);
        else w.WriteInt32(length);
        Mark(spans, path, flexible ? SpanKind.UVarintLength : classic, w, start);
    }

    /// <summary>Records what was written since <paramref name="start"/> as a span, when spans are asked for.</summary>
    private static void Mark(List<FieldSpan>? spans, string path, SpanKind kind, KafkaWriter w, int start) =>
        spans?.Add(new FieldSpan(path, kind, start, w.Length - start));
}
