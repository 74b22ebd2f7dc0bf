using ControlCenter.LogFormat.Files;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.Testing;

/// <summary>
/// Writes a partition directory in Kafka's on-disk format without a broker: segments of v2
/// batches with their .index (an entry after every index.interval.bytes, pointing at the batch
/// that crossed it, as Kafka's LogSegment.append does) and .timeindex. One segment's batches are
/// built once and copied with shifted offsets and timestamps (CRC recomputed), so even gigabytes
/// take seconds. For segment-reader tests and the segments benchmark.
/// </summary>
public static class SegmentFileWriter
{
    public sealed record Layout(int Segments, int BatchesPerSegment, int RecordsPerBatch, int ValueBytes,
        long FirstTimestampMs, long MsPerRecord, int IndexIntervalBytes = 4096, CompressionType Compression = CompressionType.None);

    /// <summary>Writes the segments into <paramref name="dir"/> (created); returns the offset after the last record.</summary>
    public static long Write(string dir, Layout layout)
    {
        Directory.CreateDirectory(dir);
        var template = Template(layout, out var positions);
        long recordsPerSegment = (long)layout.BatchesPerSegment * layout.RecordsPerBatch;
        Span<byte> entry = stackalloc byte[TimeIndexEntry.Size];
        for (int s = 0; s < layout.Segments; s++)
        {
            long baseOffset = s * recordsPerSegment;
            long shiftMs = baseOffset * layout.MsPerRecord;
            var log = (byte[])template.Clone();
            var index = new List<byte>();
            var timeIndex = new List<byte>();
            long sinceLastEntry = 0, maxTimestamp = -1;
            for (int b = 0; b < positions.Length; b++)
            {
                var batch = log.AsSpan(positions[b]);
                RecordBatchHeader.TryRead(batch, out var header);
                batch = batch[..header.SizeInBytes];
                RecordBatchHeader.SetBaseOffset(batch, baseOffset + header.BaseOffset);
                System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(batch[27..], header.BaseTimestamp + shiftMs);
                RecordBatchHeader.SetMaxTimestamp(batch, header.MaxTimestamp + shiftMs);
                RecordBatchHeader.WriteCrc(batch);
                maxTimestamp = header.MaxTimestamp + shiftMs;
                int relativeLast = (int)header.LastOffset;
                if (sinceLastEntry > layout.IndexIntervalBytes)
                {
                    new OffsetIndexEntry(relativeLast, positions[b]).Write(entry);
                    index.AddRange(entry[..OffsetIndexEntry.Size].ToArray());
                    new TimeIndexEntry(maxTimestamp, relativeLast).Write(entry);
                    timeIndex.AddRange(entry.ToArray());
                    sinceLastEntry = 0;
                }
                sinceLastEntry += header.SizeInBytes;
            }
            // A closed segment ends with a time index entry for its largest timestamp (Kafka's onBecomeInactiveSegment).
            if (s < layout.Segments - 1)
            {
                new TimeIndexEntry(maxTimestamp, (int)(recordsPerSegment - 1)).Write(entry);
                timeIndex.AddRange(entry.ToArray());
            }
            File.WriteAllBytes(LogFileNames.LogFile(dir, baseOffset), log);
            File.WriteAllBytes(LogFileNames.IndexFile(dir, baseOffset), index.ToArray());
            File.WriteAllBytes(LogFileNames.TimeIndexFile(dir, baseOffset), timeIndex.ToArray());
        }
        return layout.Segments * recordsPerSegment;
    }

    private static byte[] Template(Layout layout, out int[] positions)
    {
        var value = new byte[layout.ValueBytes];
        new Random(7).NextBytes(value);
        using var log = new MemoryStream();
        positions = new int[layout.BatchesPerSegment];
        for (int b = 0; b < layout.BatchesPerSegment; b++)
        {
            var builder = new RecordBatchBuilder { BaseOffset = (long)b * layout.RecordsPerBatch, Compression = layout.Compression };
            for (int r = 0; r < layout.RecordsPerBatch; r++)
            {
                long offset = (long)b * layout.RecordsPerBatch + r;
                builder.Add(layout.FirstTimestampMs + offset * layout.MsPerRecord, System.Text.Encoding.UTF8.GetBytes($"key-{offset % 10_000}"), value);
            }
            positions[b] = (int)log.Position;
            log.Write(builder.Build());
        }
        return log.ToArray();
    }
}
