using ControlCenter.Kafka.Segments;
using ControlCenter.LogFormat.Files;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.Kafka.Messages;

/// <summary>One record as it lies in a segment file; its spans are valid only during the visit.</summary>
internal readonly ref struct FileRecord(long offset, long timestamp, TimestampType timestampType,
    ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull, ReadOnlySpan<byte> headers, int headerCount)
{
    public long Offset { get; } = offset;
    public long Timestamp { get; } = timestamp;
    public TimestampType TimestampType { get; } = timestampType;
    public ReadOnlySpan<byte> Key { get; } = key;
    public bool KeyIsNull { get; } = keyIsNull;
    public ReadOnlySpan<byte> Value { get; } = value;
    public bool ValueIsNull { get; } = valueIsNull;
    /// <summary>The header entries (after their count): key length, key, value length, value, each.</summary>
    public ReadOnlySpan<byte> Headers { get; } = headers;
    public int HeaderCount { get; } = headerCount;
}

/// <summary>Sees one record; returns false to stop the scan (the match limit was reached).</summary>
internal delegate bool FileRecordVisitor(in FileRecord record);

/// <summary>
/// Reads a partition's records straight from its segment files when the log dir is on this
/// machine (the embedded broker's, or a Kafka's listed in Kafka:LogDirs): no fetch, no client,
/// no copy per record, one read per megabyte. It sees what a consumer would: records in
/// [start, end) only, control batches skipped. It hands the rest back to a consumer wherever
/// it could differ: a transactional batch (read_committed needs the aborted-transaction index),
/// a segment gone between listing and reading, or bytes that do not parse.
/// </summary>
internal static class LogFileScan
{
    /// <summary>Scans [<paramref name="start"/>, <paramref name="end"/>); returns the next offset to scan, and whether the range is done.</summary>
    public static (long Next, bool Complete) Run(string dir, long start, long end, FileRecordVisitor visit, CancellationToken stop)
    {
        long next = start;
        var segments = Directory.EnumerateFiles(dir, "*" + LogFileNames.LogSuffix)
            .Select(f => LogFileNames.ParseBaseOffset(Path.GetFileName(f)))
            .OfType<long>().Order().ToList();
        int first = segments.FindLastIndex(b => b <= start);
        if (first < 0) return (next, false); // the log starts after `start`: let the consumer say what is there
        try
        {
            for (int i = first; i < segments.Count && next < end; i++)
            {
                long baseOffset = segments[i];
                if (baseOffset >= end) break;
                long from = i == first ? PartitionLogReader.PositionOf(dir, baseOffset, next) : 0;
                var outcome = ScanSegment(LogFileNames.LogFile(dir, baseOffset), from, end, ref next, visit, stop);
                if (outcome != SegmentOutcome.Continue) return (next, outcome == SegmentOutcome.Done);
            }
            return (next, next >= end);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
        {
            return (next, false); // deleted or replaced meanwhile, or not what we can read: the consumer takes over from here
        }
    }

    private enum SegmentOutcome { Continue, Done, HandOver, Stopped }

    private static SegmentOutcome ScanSegment(string path, long from, long end, ref long next, FileRecordVisitor visit, CancellationToken stop)
    {
        using var log = IndexFileReader.OpenShared(path);
        using var cursor = new BatchCursor(log, from, RandomAccess.GetLength(log), loadBodies: true);
        while (cursor.MoveNext())
        {
            var batch = cursor.Header;
            if (batch.NextOffset <= next) continue;
            if (batch.BaseOffset >= end) return SegmentOutcome.Done;
            if (batch.IsTransactional) return SegmentOutcome.HandOver;
            if (stop.IsCancellationRequested) return SegmentOutcome.Stopped;
            if (!batch.IsControl && !VisitRecords(cursor.CurrentBatch, batch, end, ref next, visit)) return SegmentOutcome.Stopped;
            next = Math.Min(end, Math.Max(next, batch.NextOffset));
            if (next >= end) return SegmentOutcome.Done;
        }
        return cursor.Stop == BatchCursorStop.Corrupt ? SegmentOutcome.HandOver : SegmentOutcome.Continue;
    }

    /// <summary>Walks a batch's records (decompressed when needed) and visits those in [next, end).</summary>
    private static bool VisitRecords(ReadOnlySpan<byte> batchBytes, RecordBatchHeader batch, long end, ref long next, FileRecordVisitor visit)
    {
        var body = batchBytes[RecordBatchHeader.Size..batch.SizeInBytes];
        ReadOnlySpan<byte> data = batch.Compression == CompressionType.None ? body : CompressionCodecs.Decompress(batch.Compression, body);
        int pos = 0;
        for (int i = 0; i < batch.RecordCount; i++)
        {
            int length = VarintDecoder.ReadVarint(data, ref pos);
            int recordEnd = pos + length;
            if (length <= 0 || recordEnd > data.Length) throw new InvalidDataException("Record length exceeds its batch");
            pos++; // attributes
            long timestampDelta = VarintDecoder.ReadVarlong(data, ref pos);
            long offset = batch.BaseOffset + VarintDecoder.ReadVarint(data, ref pos);
            if (offset < next || offset >= end) { pos = recordEnd; continue; }
            var key = Field(data, ref pos, out bool keyIsNull);
            var value = Field(data, ref pos, out bool valueIsNull);
            int headerCount = VarintDecoder.ReadVarint(data, ref pos);
            if (headerCount < 0 || pos > recordEnd) throw new InvalidDataException("Invalid record headers");
            long timestamp = batch.TimestampType == TimestampType.LogAppendTime ? batch.MaxTimestamp : batch.BaseTimestamp + timestampDelta;
            var record = new FileRecord(offset, timestamp, batch.TimestampType, key, keyIsNull, value, valueIsNull, data[pos..recordEnd], headerCount);
            pos = recordEnd;
            if (!visit(record)) return false;
            next = offset + 1;
        }
        return true;
    }

    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> data, ref int pos, out bool isNull)
    {
        int length = VarintDecoder.ReadVarint(data, ref pos);
        isNull = length < 0;
        if (isNull) return default;
        if (length > data.Length - pos) throw new InvalidDataException("Record field exceeds its record");
        var field = data.Slice(pos, length);
        pos += length;
        return field;
    }

    /// <summary>The record's headers (only read for a header condition or a match).</summary>
    public static List<MessageHeader> ReadHeaders(in FileRecord record)
    {
        var list = new List<MessageHeader>(record.HeaderCount);
        var data = record.Headers;
        int pos = 0;
        for (int h = 0; h < record.HeaderCount; h++)
        {
            var key = Field(data, ref pos, out _);
            var value = Field(data, ref pos, out bool valueIsNull);
            list.Add(new MessageHeader(System.Text.Encoding.UTF8.GetString(key), valueIsNull ? null : value.ToArray()));
        }
        return list;
    }
}
