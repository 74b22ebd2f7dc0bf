using System.Text;
using ControlCenter.LogFormat;

namespace ControlCenter.Broker.Protocol.Messages;

/// <summary>
/// Reads the given version of a <see cref="MessageSpec"/> into a <see cref="StructValue"/>, the
/// inverse of <see cref="MessageWriter"/>. Unknown tagged fields are skipped; every length and
/// count is checked against the bytes left, so malformed input is a <see cref="ProtocolException"/>.
/// </summary>
public static class MessageReader
{
    public static StructValue Read(MessageSpec spec, short version, KafkaReader reader) =>
        ReadStruct(spec.Fields, version, spec.IsFlexible(version), reader);

    private static StructValue ReadStruct(IReadOnlyList<Field> fields, short version, bool flexible, KafkaReader r)
    {
        var value = new StructValue(fields.Count);
        for (int i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (field.IsPresentIn(version) && !(flexible && field.IsTaggedIn(version)))
                value[field.Name] = ReadField(field, version, flexible, r);
            else if (field.Default is not null)
                value[field.Name] = field.Default; // what the field means in versions that lack it (or when the tag is absent)
        }
        if (!flexible) return value;
        uint count = r.ReadUVarint();
        if (count > (uint)r.Remaining) throw new ProtocolException($"Invalid tagged field count {count}");
        int lastTag = -1;
        for (uint i = 0; i < count; i++)
        {
            uint tag = r.ReadUVarint();
            if (tag <= (uint)lastTag && lastTag >= 0) throw new ProtocolException($"Tagged fields out of order or repeated (tag {tag} after {lastTag})");
            lastTag = (int)Math.Min(tag, int.MaxValue);
            var body = r.ReadBytesMemory((int)Math.Min(r.ReadUVarint(), int.MaxValue)); // more than is left: a ProtocolException
            Field? known = null;
            for (int f = 0; f < fields.Count && known is null; f++)
                if (fields[f].Tag == tag && fields[f].IsTaggedIn(version)) known = fields[f];
            if (known is not null) value[known.Name] = ReadField(known, version, flexible, new KafkaReader(body));
        }
        return value;
    }

    private static object? ReadField(Field field, short version, bool flexible, KafkaReader r)
    {
        bool nullable = field.IsNullableIn(version);
        if (field.IsArray)
        {
            int count = flexible ? (int)Length(r.ReadUVarint(), r, "array") - 1 : r.ReadArrayLength();
            if (count < 0)
                return nullable ? null : throw new ProtocolException($"{field.Name} cannot be null in v{version}");
            var items = new List<object?>(count);
            for (int i = 0; i < count; i++)
                items.Add(field.Kind == FieldKind.Struct ? ReadStruct(field.Fields!, version, flexible, r) : ReadValue(field, false, flexible, r));
            return items;
        }
        if (field.Kind != FieldKind.Struct) return ReadValue(field, nullable, flexible, r);
        if (nullable)
        {
            // A nullable struct is preceded by INT8 -1 (null) or 1 (present).
            sbyte marker = r.ReadInt8();
            if (marker < 0) return null;
            if (marker != 1) throw new ProtocolException($"Invalid presence marker {marker} for {field.Name}");
        }
        return ReadStruct(field.Fields!, version, flexible, r);
    }

    private static object? ReadValue(Field field, bool nullable, bool flexible, KafkaReader r)
    {
        switch (field.Kind)
        {
            case FieldKind.Bool: return r.ReadBool();
            case FieldKind.Int8: return r.ReadInt8();
            case FieldKind.Int16: return r.ReadInt16();
            case FieldKind.Int32: return r.ReadInt32();
            case FieldKind.Int64: return r.ReadInt64();
            case FieldKind.Float64: return BitConverter.Int64BitsToDouble(r.ReadInt64());
            case FieldKind.Uuid: return r.ReadUuid();
            case FieldKind.String:
                int textLength = flexible ? (int)Length(r.ReadUVarint(), r, "string") - 1 : r.ReadInt16();
                if (textLength < 0) return nullable ? null : throw new ProtocolException($"{field.Name} cannot be null");
                return Encoding.UTF8.GetString(r.ReadBytesMemory(textLength).Span);
            default:
                int length = flexible ? (int)Length(r.ReadUVarint(), r, "bytes") - 1 : r.ReadInt32();
                if (length < 0) return nullable ? null : throw new ProtocolException($"{field.Name} cannot be null");
                var data = r.ReadBytesMemory(length);
                // Records stay a slice of the request buffer: produce assigns offsets in place, without a copy.
                return field.Kind == FieldKind.Records ? data : (object)data.ToArray();
        }
    }

    /// <summary>A compact length (+1) that fits in what is left of the request.</summary>
    private static uint Length(uint encoded, KafkaReader r, string what) =>
        encoded <= (uint)r.Remaining + 1 ? encoded : throw new ProtocolException($"Invalid {what} length {encoded} with {r.Remaining} bytes left");
}
