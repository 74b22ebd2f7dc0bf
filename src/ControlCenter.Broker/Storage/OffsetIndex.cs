using ControlCenter.LogFormat.Files;

namespace ControlCenter.Broker.Storage;

/// <summary>
/// The sparse .index of a segment: relative offset → file position of the batch holding it.
/// An entry is added every index.interval.bytes; a lookup returns the greatest entry at or
/// below the target, from where the reader scans forward batch by batch.
/// </summary>
internal sealed class OffsetIndex(string path, long baseOffset, int maxIndexBytes, FileHandlePool pool)
    : IndexFile(path, baseOffset, maxIndexBytes, pool)
{
    protected override int EntrySize => OffsetIndexEntry.Size;

    public void Append(long offset, int position)
    {
        lock (Sync)
        {
            EnsureLoaded();
            int relative = checked((int)(offset - BaseOffset));
            if (Count > 0 && relative <= OffsetIndexEntry.Read(Entry(Count - 1)).RelativeOffset)
                return; // Kafka refuses non-increasing entries; skipping keeps the index valid.
            Span<byte> entry = stackalloc byte[OffsetIndexEntry.Size];
            new OffsetIndexEntry(relative, position).Write(entry);
            AppendEntry(entry);
        }
    }

    /// <summary>The entry with the greatest offset ≤ <paramref name="targetOffset"/>, or (baseOffset, 0).</summary>
    public (long Offset, int Position) Lookup(long targetOffset)
    {
        lock (Sync)
        {
            EnsureLoaded();
            long relativeTarget = targetOffset - BaseOffset;
            int lo = 0, hi = Count - 1, found = -1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                if (OffsetIndexEntry.Read(Entry(mid)).RelativeOffset <= relativeTarget) { found = mid; lo = mid + 1; }
                else hi = mid - 1;
            }
            if (found < 0) return (BaseOffset, 0);
            var e = OffsetIndexEntry.Read(Entry(found));
            return (BaseOffset + e.RelativeOffset, e.Position);
        }
    }

    public (long Offset, int Position)? LastEntry
    {
        get
        {
            lock (Sync)
            {
                EnsureLoaded();
                if (Count == 0) return null;
                var e = OffsetIndexEntry.Read(Entry(Count - 1));
                return (BaseOffset + e.RelativeOffset, e.Position);
            }
        }
    }

    /// <summary>Removes entries at or above <paramref name="offset"/>.</summary>
    public void TruncateTo(long offset)
    {
        lock (Sync)
        {
            EnsureLoaded();
            int keep = 0;
            while (keep < Count && BaseOffset + OffsetIndexEntry.Read(Entry(keep)).RelativeOffset < offset) keep++;
            TruncateToEntries(keep);
        }
    }

    /// <summary>True when entries increase and point inside the log; false means rebuild.</summary>
    public bool IsConsistent(long logSize)
    {
        lock (Sync)
        {
            EnsureLoaded();
            int lastRelative = -1;
            for (int i = 0; i < Count; i++)
            {
                var e = OffsetIndexEntry.Read(Entry(i));
                if (e.RelativeOffset <= lastRelative || e.Position < 0 || e.Position >= logSize) return false;
                lastRelative = e.RelativeOffset;
            }
            return true;
        }
    }
}
