using System.Globalization;

namespace ControlCenter.Broker.Protocol.Messages;

/// <summary>A range of API versions, written as Kafka's message definitions write them: "3+", "0-2", "5", "none".</summary>
public readonly record struct Versions(short Min, short Max)
{
    public static readonly Versions None = new(1, 0);

    public bool IsEmpty => Min > Max;
    public bool Contains(short version) => version >= Min && version <= Max;

    public static Versions Parse(string text)
    {
        text = text.Trim();
        if (text == "none") return None;
        if (text.EndsWith('+')) return new(short.Parse(text[..^1], CultureInfo.InvariantCulture), short.MaxValue);
        int dash = text.IndexOf('-');
        return dash < 0
            ? new(short.Parse(text, CultureInfo.InvariantCulture), short.Parse(text, CultureInfo.InvariantCulture))
            : new(short.Parse(text[..dash], CultureInfo.InvariantCulture), short.Parse(text[(dash + 1)..], CultureInfo.InvariantCulture));
    }

    public override string ToString() => IsEmpty ? "none" : Max == short.MaxValue ? $"{Min}+" : Min == Max ? $"{Min}" : $"{Min}-{Max}";
}

/// <summary>The wire types of Kafka's message definitions. Records are bytes that hold record batches.</summary>
public enum FieldKind { Bool, Int8, Int16, Int32, Int64, Float64, Uuid, String, Bytes, Records, Struct }

/// <summary>
/// One field of a message, as in Kafka's JSON definitions: present in <see cref="Versions"/>,
/// null allowed in <see cref="Nullable"/>, an array when <see cref="IsArray"/>, a nested
/// struct when <see cref="Kind"/> is Struct, and a tagged field (KIP-482) in <see cref="Tagged"/>.
/// </summary>
public sealed record Field(string Name, FieldKind Kind, Versions Versions, bool IsArray = false, IReadOnlyList<Field>? Fields = null)
{
    public Versions Nullable { get; init; } = Versions.None;
    public int Tag { get; init; } = -1;
    public Versions Tagged { get; init; } = Versions.None;
    /// <summary>The value written when none is given and read when the version lacks the field (Kafka's "default").</summary>
    public object? Default { get; init; }

    public bool IsPresentIn(short version) => Versions.Contains(version);
    public bool IsNullableIn(short version) => Nullable.Contains(version);
    public bool IsTaggedIn(short version) => Tag >= 0 && Tagged.Contains(version);

    /// <summary>This field, null allowed in <paramref name="versions"/>.</summary>
    public Field NullableIn(string versions) => this with { Nullable = Messages.Versions.Parse(versions) };

    /// <summary>This field with a default other than Kafka's zero values (e.g. -1 for an unknown epoch).</summary>
    public Field WithDefault(object value) => this with { Default = value };

    /// <summary>This field as tagged field <paramref name="tag"/> in <paramref name="versions"/> (flexible versions only).</summary>
    public Field TaggedAs(int tag, string versions) => this with { Tag = tag, Tagged = Messages.Versions.Parse(versions) };
}

/// <summary>A request or response body: its valid and flexible versions and its fields.</summary>
public sealed record MessageSpec(string Name, Versions Valid, Versions Flexible, IReadOnlyList<Field> Fields)
{
    public bool IsFlexible(short version) => Flexible.Contains(version);
}

/// <summary>
/// The building blocks for writing message definitions in C#, close to Kafka's JSON: each API's
/// file declares its request with these (e.g. <c>Int32("TimeoutMs")</c>, <c>Array("Topics", "0+", ...)</c>).
/// </summary>
public static class Schema
{
    public static MessageSpec Message(string name, string valid, string flexible, params Field[] fields) =>
        new(name, Versions.Parse(valid), Versions.Parse(flexible), fields);

    public static Field Bool(string name, string versions = "0+") => new(name, FieldKind.Bool, Versions.Parse(versions));
    public static Field Int8(string name, string versions = "0+") => new(name, FieldKind.Int8, Versions.Parse(versions));
    public static Field Int16(string name, string versions = "0+") => new(name, FieldKind.Int16, Versions.Parse(versions));
    public static Field Int32(string name, string versions = "0+") => new(name, FieldKind.Int32, Versions.Parse(versions));
    public static Field Int64(string name, string versions = "0+") => new(name, FieldKind.Int64, Versions.Parse(versions));
    public static Field Float64(string name, string versions = "0+") => new(name, FieldKind.Float64, Versions.Parse(versions));
    public static Field Uuid(string name, string versions = "0+") => new(name, FieldKind.Uuid, Versions.Parse(versions));
    public static Field String(string name, string versions = "0+") => new(name, FieldKind.String, Versions.Parse(versions));
    public static Field Bytes(string name, string versions = "0+") => new(name, FieldKind.Bytes, Versions.Parse(versions));
    public static Field Records(string name, string versions = "0+") => new(name, FieldKind.Records, Versions.Parse(versions));

    /// <summary>An array of structs with the given fields.</summary>
    public static Field Array(string name, string versions, params Field[] fields) => new(name, FieldKind.Struct, Versions.Parse(versions), true, fields);

    /// <summary>An array of a primitive type ([]int32, []string, ...).</summary>
    public static Field ArrayOf(FieldKind element, string name, string versions = "0+") => new(name, element, Versions.Parse(versions), true);

    /// <summary>A single nested struct.</summary>
    public static Field Struct(string name, string versions, params Field[] fields) => new(name, FieldKind.Struct, Versions.Parse(versions), false, fields);
}
