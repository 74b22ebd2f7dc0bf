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

/// <summary>
/// One .txnindex entry: an aborted transaction of one producer, from its first record to its
/// ABORT marker, and the partition's last stable offset once it ended (Kafka's AbortedTxn).
/// read_committed fetches hand these to consumers so they drop the aborted records.
/// </summary>
public readonly record struct AbortedTxnEntry(long ProducerId, long FirstOffset, long LastOffset, long LastStableOffset)
{
    public const int Size = 34;
    private const short Version = 0;

    public static AbortedTxnEntry Read(ReadOnlySpan<byte> span) =>
        new(BinaryPrimitives.ReadInt64BigEndian(span[2..]), BinaryPrimitives.ReadInt64BigEndian(span[10..]),
            BinaryPrimitives.ReadInt64BigEndian(span[18..]), BinaryPrimitives.ReadInt64BigEndian(span[26..]));

    public void Write(Span<byte> span)
    {
        BinaryPrimitives.WriteInt16BigEndian(span, Version);
        BinaryPrimitives.WriteInt64BigEndian(span[2..], ProducerId);
        BinaryPrimitives.WriteInt64BigEndian(span[10..], FirstOffset);
        BinaryPrimitives.WriteInt64BigEndian(span[18..], LastOffset);
        BinaryPrimitives.WriteInt64BigEndian(span[26..], LastStableOffset);
    }

    /// <summary>Decodes a whole .txnindex file; a torn trailing partial entry is ignored.</summary>
    public static AbortedTxnEntry[] ReadAll(ReadOnlySpan<byte> file)
    {
        var entries = new AbortedTxnEntry[file.Length / Size];
        for (int i = 0; i < entries.Length; i++) entries[i] = Read(file[(i * Size)..]);
        return entries;
    }
}
