using System.Buffers.Binary;

namespace ControlCenter.LogFormat.Files;

/// <summary>One .index entry: offset relative to the segment's base offset → byte position in the .log.</summary>
public readonly record struct OffsetIndexEntry(int RelativeOffset, int Position)
{
    public const int Size = 8;

    public static OffsetIndexEntry Read(ReadOnlySpan<byte> span) =>
        new(BinaryPrimitives.ReadInt32BigEndian(span), BinaryPrimitives.ReadInt32BigEndian(span[4..]));

    public void Write(Span<byte> span)
    {
        BinaryPrimitives.WriteInt32BigEndian(span, RelativeOffset);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], Position);
    }

    /// <summary>Decodes a whole .index file; a torn trailing partial entry is ignored.</summary>
    public static OffsetIndexEntry[] ReadAll(ReadOnlySpan<byte> file)
    {
        var entries = new OffsetIndexEntry[file.Length / Size];
        for (int i = 0; i < entries.Length; i++) entries[i] = Read(file[(i * Size)..]);
        return entries;
    }
}

/// <summary>One .timeindex entry: a timestamp → the relative offset of the batch that reached it.</summary>
public readonly record struct TimeIndexEntry(long Timestamp, int RelativeOffset)
{
    public const int Size = 12;

    public static TimeIndexEntry Read(ReadOnlySpan<byte> span) =>
        new(BinaryPrimitives.ReadInt64BigEndian(span), BinaryPrimitives.ReadInt32BigEndian(span[8..]));

    public void Write(Span<byte> span)
    {
        BinaryPrimitives.WriteInt64BigEndian(span, Timestamp);
        BinaryPrimitives.WriteInt32BigEndian(span[8..], RelativeOffset);
    }

    public static TimeIndexEntry[] ReadAll(ReadOnlySpan<byte> file)
    {
        var entries = new TimeIndexEntry[file.Length / Size];
        for (int i = 0; i < entries.Length; i++) entries[i] = Read(file[(i * Size)..]);
        return entries;
    }
}
