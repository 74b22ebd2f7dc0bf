using ControlCenter.LogFormat.Files;

namespace ControlCenter.Broker.Storage;

/// <summary>
/// The .timeindex of a segment: monotonically increasing max timestamps → relative offset of
/// the batch that reached them. Used for ListOffsets by timestamp and time-based retention.
/// </summary>
internal sealed class TimeIndex(string path, long baseOffset, int maxIndexBytes, FileHandlePool pool)
    : IndexFile(path, baseOffset, maxIndexBytes, pool)
{
    protected override int EntrySize => TimeIndexEntry.Size;

    /// <summary>Appends only when the timestamp grew, as Kafka does, keeping the index monotonic.</summary>
    public void MaybeAppend(long timestamp, long offset, bool skipFullCheck = false)
    {
        lock (Sync)
        {
            EnsureLoaded();
            if (!skipFullCheck && Count >= MaxEntries) return;
            if (Count > 0)
            {
                var last = TimeIndexEntry.Read(Entry(Count - 1));
                if (timestamp <= last.Timestamp || offset < BaseOffset + last.RelativeOffset) return;
            }
            Span<byte> entry = stackalloc byte[TimeIndexEntry.Size];
            new TimeIndexEntry(timestamp, checked((int)(offset - BaseOffset))).Write(entry);
            AppendEntry(entry);
        }
    }

    /// <summary>The entry with the greatest timestamp ≤ target, or null when every entry is later.</summary>
    public (long Timestamp, long Offset)? Lookup(long targetTimestamp)
    {
        lock (Sync)
        {
            EnsureLoaded();
            int lo = 0, hi = Count - 1, found = -1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                if (TimeIndexEntry.Read(Entry(mid)).Timestamp <= targetTimestamp) { found = mid; lo = mid + 1; }
                else hi = mid - 1;
            }
            if (found < 0) return null;
            var e = TimeIndexEntry.Read(Entry(found));
            return (e.Timestamp, BaseOffset + e.RelativeOffset);
        }
    }

    public (long Timestamp, long Offset)? LastEntry
    {
        get
        {
            lock (Sync)
            {
                EnsureLoaded();
                if (Count == 0) return null;
                var e = TimeIndexEntry.Read(Entry(Count - 1));
                return (e.Timestamp, BaseOffset + e.RelativeOffset);
            }
        }
    }

    public void TruncateTo(long offset)
    {
        lock (Sync)
        {
            EnsureLoaded();
            int keep = 0;
            while (keep < Count && BaseOffset + TimeIndexEntry.Read(Entry(keep)).RelativeOffset < offset) keep++;
            TruncateToEntries(keep);
        }
    }
}
