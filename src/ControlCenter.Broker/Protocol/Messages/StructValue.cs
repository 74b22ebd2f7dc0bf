namespace ControlCenter.Broker.Protocol.Messages;

/// <summary>
/// A message's fields by name, as <see cref="MessageReader"/> reads them and <see cref="MessageWriter"/>
/// writes them: primitives, strings, byte[] (bytes and records), Guid, List&lt;object?&gt; for
/// arrays and nested StructValues. The typed getters are for handlers; a field the version does
/// not carry reads as its default.
/// </summary>
public sealed class StructValue : Dictionary<string, object?>
{
    public StructValue() : base(StringComparer.Ordinal) { }

    /// <summary>Sized for a struct's fields, so reading one never grows it.</summary>
    public StructValue(int capacity) : base(capacity, StringComparer.Ordinal) { }

    public bool Bool(string name) => this.GetValueOrDefault(name) is true;
    public sbyte Int8(string name) => Convert.ToSByte(this.GetValueOrDefault(name) ?? 0);
    public short Int16(string name) => Convert.ToInt16(this.GetValueOrDefault(name) ?? 0);
    public int Int32(string name) => Convert.ToInt32(this.GetValueOrDefault(name) ?? 0);
    public long Int64(string name) => Convert.ToInt64(this.GetValueOrDefault(name) ?? 0L);
    public string? String(string name) => this.GetValueOrDefault(name) as string;
    public Guid Uuid(string name) => this.GetValueOrDefault(name) as Guid? ?? Guid.Empty;
    /// <summary>A bytes field; empty when absent or null.</summary>
    public byte[] Bytes(string name) => this.GetValueOrDefault(name) as byte[] ?? [];

    /// <summary>A records field as read (a slice of the request); null when absent or null.</summary>
    public ReadOnlyMemory<byte>? Records(string name) => this.GetValueOrDefault(name) switch
    {
        ReadOnlyMemory<byte> m => m,
        byte[] b => b,
        _ => null,
    };

    /// <summary>A nested struct, or null when absent or null.</summary>
    public StructValue? Struct(string name) => this.GetValueOrDefault(name) as StructValue;

    /// <summary>An array of structs; null when the array is null (nullable arrays).</summary>
    public IReadOnlyList<StructValue>? Structs(string name) =>
        this.GetValueOrDefault(name) is IList<object?> items ? items.Select(i => i as StructValue ?? []).ToList() : null;

    /// <summary>An array of primitives, converted; null when the array is null.</summary>
    public IReadOnlyList<T>? Array<T>(string name) =>
        this.GetValueOrDefault(name) is IList<object?> items ? items.Select(i => (T)Convert.ChangeType(i!, typeof(T), System.Globalization.CultureInfo.InvariantCulture)).ToList() : null;

    /// <summary>Builds an array field's value from items.</summary>
    public static List<object?> List<T>(IEnumerable<T> items) => items.Select(i => (object?)i).ToList();
}
