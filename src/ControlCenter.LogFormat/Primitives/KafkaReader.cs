using System.Buffers.Binary;
using System.Text;

namespace ControlCenter.LogFormat;

/// <summary>
/// Reads Kafka's big-endian primitives from a request body. Every read is bounds-checked and a
/// short or malformed body raises <see cref="ProtocolException"/>, which closes the connection.
/// Slices (<see cref="ReadBytesMemory"/>) point into the original buffer: no copies.
/// </summary>
public sealed class KafkaReader(ReadOnlyMemory<byte> buffer)
{
    private readonly ReadOnlyMemory<byte> _buffer = buffer;
    public int Position { get; set; }
    public int Remaining => _buffer.Length - Position;

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
            throw new ProtocolException($"Request truncated: needed {count} bytes at {Position}, {Remaining} left");
        var span = _buffer.Span.Slice(Position, count);
        Position += count;
        return span;
    }

    public sbyte ReadInt8() => (sbyte)Take(1)[0];
    public bool ReadBool() => Take(1)[0] != 0;
    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));
    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));
    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));
    public Guid ReadUuid() => UuidCodec.Read(Take(16));

    public string ReadString() =>
        ReadNullableString() ?? throw new ProtocolException("Non-nullable string was null");

    public string? ReadNullableString()
    {
        short length = ReadInt16();
        if (length < 0) return null;
        return Encoding.UTF8.GetString(Take(length));
    }

    public ReadOnlyMemory<byte>? ReadNullableBytes()
    {
        int length = ReadInt32();
        if (length < 0) return null;
        return ReadBytesMemory(length);
    }

    public ReadOnlyMemory<byte> ReadBytes() =>
        ReadNullableBytes() ?? throw new ProtocolException("Non-nullable bytes were null");

    public ReadOnlyMemory<byte> ReadBytesMemory(int length)
    {
        Take(length);
        return _buffer.Slice(Position - length, length);
    }

    /// <summary>Array length; -1 is null. Counts larger than the remaining bytes are rejected up front.</summary>
    public int ReadArrayLength()
    {
        int count = ReadInt32();
        if (count < -1 || count > Remaining)
            throw new ProtocolException($"Invalid array length {count}");
        return count;
    }

    public List<T> ReadArray<T>(Func<KafkaReader, T> readElement)
    {
        int count = ReadArrayLength();
        var list = new List<T>(Math.Max(count, 0));
        for (int i = 0; i < count; i++) list.Add(readElement(this));
        return list;
    }

    public List<T>? ReadNullableArray<T>(Func<KafkaReader, T> readElement) =>
        PeekInt32() == -1 ? SkipNull<T>() : ReadArray(readElement);

    private List<T>? SkipNull<T>() { Position += 4; return null; }

    private int PeekInt32()
    {
        if (Remaining < 4) throw new ProtocolException("Request truncated");
        return BinaryPrimitives.ReadInt32BigEndian(_buffer.Span.Slice(Position, 4));
    }

    // ---- flexible-version (KIP-482) encodings ----

    public uint ReadUVarint()
    {
        uint value = 0;
        for (int shift = 0; shift <= 28; shift += 7)
        {
            byte b = Take(1)[0];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new ProtocolException("Malformed unsigned varint");
    }

    public string? ReadCompactNullableString()
    {
        uint length = ReadUVarint();
        if (length == 0) return null;
        return Encoding.UTF8.GetString(Take(CheckedLength(length - 1, "string")));
    }

    /// <summary>Compact bytes (unsigned varint length + 1; 0 is null).</summary>
    public ReadOnlyMemory<byte>? ReadCompactNullableBytes()
    {
        uint length = ReadUVarint();
        if (length == 0) return null;
        return ReadBytesMemory(CheckedLength(length - 1, "bytes"));
    }

    /// <summary>A length read from the wire, as an int no larger than what is left: anything else is a malformed request.</summary>
    private int CheckedLength(uint length, string what) =>
        length <= (uint)Remaining ? (int)length : throw new ProtocolException($"Invalid {what} length {length} at {Position}, {Remaining} bytes left");

    public string ReadCompactString() =>
        ReadCompactNullableString() ?? throw new ProtocolException("Non-nullable compact string was null");

    public int ReadCompactArrayLength()
    {
        uint n = ReadUVarint();
        if (n == 0) return -1;
        if (n - 1 > Remaining) throw new ProtocolException($"Invalid compact array length {n - 1}");
        return (int)(n - 1);
    }

    public void SkipTaggedFields()
    {
        uint count = ReadUVarint();
        for (uint i = 0; i < count; i++)
        {
            ReadUVarint();
            uint size = ReadUVarint();
            Take(CheckedLength(size, "tagged field"));
        }
    }
}
