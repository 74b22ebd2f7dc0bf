using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ControlCenter.LogFormat;

/// <summary>
/// Growable big-endian writer over a pooled buffer, used for response bodies and for
/// building record batches. Dispose returns the buffer to the pool.
/// </summary>
public sealed class KafkaWriter : IDisposable
{
    private byte[] _buffer;
    public int Length { get; private set; }

    public KafkaWriter(int initialCapacity = 256) =>
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 16));

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, Length);
    public byte[] ToArray() => WrittenSpan.ToArray();

    /// <summary>Returns a span of at least <paramref name="size"/> bytes at the end; call <see cref="Advance"/> after filling it.</summary>
    public Span<byte> GetSpan(int size)
    {
        EnsureCapacity(size);
        return _buffer.AsSpan(Length, size);
    }

    public void Advance(int count) => Length += count;

    private void EnsureCapacity(int extra)
    {
        if (Length + extra <= _buffer.Length) return;
        int newSize = Math.Max(_buffer.Length * 2, Length + extra);
        var bigger = ArrayPool<byte>.Shared.Rent(newSize);
        _buffer.AsSpan(0, Length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    /// <summary>Reserves space for a value written later with the Patch methods; returns its position.</summary>
    public int Reserve(int size)
    {
        EnsureCapacity(size);
        int position = Length;
        Length += size;
        return position;
    }

    public void PatchInt32(int position, int value) =>
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(position, 4), value);

    public Span<byte> Slice(int position, int length) => _buffer.AsSpan(position, length);

    public void WriteInt8(sbyte value) { GetSpan(1)[0] = (byte)value; Length += 1; }
    public void WriteBool(bool value) => WriteInt8(value ? (sbyte)1 : (sbyte)0);
    public void WriteInt16(short value) { BinaryPrimitives.WriteInt16BigEndian(GetSpan(2), value); Length += 2; }
    public void WriteInt32(int value) { BinaryPrimitives.WriteInt32BigEndian(GetSpan(4), value); Length += 4; }
    public void WriteInt64(long value) { BinaryPrimitives.WriteInt64BigEndian(GetSpan(8), value); Length += 8; }
    public void WriteUInt32(uint value) { BinaryPrimitives.WriteUInt32BigEndian(GetSpan(4), value); Length += 4; }
    public void WriteUuid(Guid id) { UuidCodec.Write(GetSpan(16), id); Length += 16; }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        Length += bytes.Length;
    }

    public void WriteString(string value)
    {
        int byteCount = Encoding.UTF8.GetByteCount(value);
        if (byteCount > short.MaxValue) throw new ArgumentException("String too long for the protocol");
        WriteInt16((short)byteCount);
        Length += Encoding.UTF8.GetBytes(value, GetSpan(byteCount));
    }

    public void WriteNullableString(string? value)
    {
        if (value is null) WriteInt16(-1);
        else WriteString(value);
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteInt32(value.Length);
        WriteRaw(value);
    }

    public void WriteNullableBytes(ReadOnlyMemory<byte>? value)
    {
        if (value is null) WriteInt32(-1);
        else WriteBytes(value.Value.Span);
    }

    public void WriteArrayLength(int count) => WriteInt32(count);

    public void WriteArray<T>(IReadOnlyCollection<T> items, Action<KafkaWriter, T> writeElement)
    {
        WriteInt32(items.Count);
        foreach (var item in items) writeElement(this, item);
    }

    public void WriteInt32Array(IReadOnlyCollection<int> items)
    {
        WriteInt32(items.Count);
        foreach (var item in items) WriteInt32(item);
    }

    // ---- flexible-version (KIP-482) encodings ----

    public void WriteUVarint(uint value)
    {
        var span = GetSpan(5);
        int i = 0;
        while (value >= 0x80) { span[i++] = (byte)(value | 0x80); value >>= 7; }
        span[i++] = (byte)value;
        Length += i;
    }

    public void WriteCompactNullableString(string? value)
    {
        if (value is null) { WriteUVarint(0); return; }
        int byteCount = Encoding.UTF8.GetByteCount(value);
        WriteUVarint((uint)byteCount + 1);
        Length += Encoding.UTF8.GetBytes(value, GetSpan(byteCount));
    }

    public void WriteCompactArrayLength(int count) => WriteUVarint((uint)(count + 1));
    public void WriteEmptyTaggedFields() => WriteUVarint(0);

    // ---- record-level zig-zag varints ----

    public void WriteVarint(int value) => WriteVarlong(value);

    public void WriteVarlong(long value)
    {
        ulong v = (ulong)((value << 1) ^ (value >> 63));
        var span = GetSpan(10);
        int i = 0;
        while (v >= 0x80) { span[i++] = (byte)(v | 0x80); v >>= 7; }
        span[i++] = (byte)v;
        Length += i;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }
}
