using Microsoft.Win32.SafeHandles;

namespace ControlCenter.LogFormat.Files;

/// <summary>
/// Reads .index and .timeindex files written by any Kafka broker, from outside the broker.
/// A running Kafka preallocates its active segment's indexes (segment.index.bytes, 10 MiB of
/// zeros) and trims them only on roll or clean shutdown, so the entries are the non-blank
/// prefix of the file, not its length divided by the entry size. Neither index ever holds an
/// all-zero entry (an offset index entry always points past the first batch), which makes the
/// first blank entry the end, found by binary search in a few reads.
/// </summary>
public static class IndexFileReader
{
    /// <summary>Opens a segment file for reading without getting in the broker's way (it may append, rename or delete it meanwhile).</summary>
    public static SafeFileHandle OpenShared(string path) =>
        File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    /// <summary>Number of entries in an index file of <paramref name="entrySize"/>-byte entries.</summary>
    public static int CountEntries(SafeFileHandle file, int entrySize)
    {
        long slots = RandomAccess.GetLength(file) / entrySize;
        if (slots == 0) return 0;
        Span<byte> entry = stackalloc byte[entrySize];
        // The common case (a trimmed, closed index) costs one read.
        if (!IsBlank(file, slots - 1, entry)) return (int)Math.Min(slots, int.MaxValue);
        long lo = 0, hi = slots - 1; // the first blank slot is in [lo, hi]
        while (lo < hi)
        {
            long mid = lo + (hi - lo) / 2;
            if (IsBlank(file, mid, entry)) hi = mid; else lo = mid + 1;
        }
        return (int)lo;
    }

    /// <summary>Offset index entries [first, first + count), clipped to the entries present.</summary>
    public static OffsetIndexEntry[] ReadOffsetEntries(SafeFileHandle file, int total, int first, int count) =>
        ReadEntries(file, total, first, count, OffsetIndexEntry.Size, OffsetIndexEntry.Read);

    /// <summary>Time index entries [first, first + count), clipped to the entries present.</summary>
    public static TimeIndexEntry[] ReadTimeEntries(SafeFileHandle file, int total, int first, int count) =>
        ReadEntries(file, total, first, count, TimeIndexEntry.Size, TimeIndexEntry.Read);

    private delegate T Decode<out T>(ReadOnlySpan<byte> span);

    private static T[] ReadEntries<T>(SafeFileHandle file, int total, int first, int count, int entrySize, Decode<T> decode)
    {
        first = Math.Max(0, first);
        int n = Math.Max(0, Math.Min(count, total - first));
        if (n == 0) return [];
        var bytes = new byte[n * entrySize];
        int read = ReadFully(file, bytes, (long)first * entrySize);
        var entries = new T[read / entrySize];
        for (int i = 0; i < entries.Length; i++) entries[i] = decode(bytes.AsSpan(i * entrySize, entrySize));
        return entries;
    }

    private static bool IsBlank(SafeFileHandle file, long slot, Span<byte> entry)
    {
        int read = ReadFully(file, entry, slot * entry.Length);
        return read < entry.Length || !entry.ContainsAnyExcept((byte)0);
    }

    /// <summary>Reads until the span is full or the file ends; returns the bytes read.</summary>
    public static int ReadFully(SafeFileHandle file, Span<byte> buffer, long position)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = RandomAccess.Read(file, buffer[read..], position + read);
            if (n <= 0) break;
            read += n;
        }
        return read;
    }
}
