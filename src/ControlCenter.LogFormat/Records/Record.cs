using ControlCenter.LogFormat;
using System.Text;

namespace ControlCenter.LogFormat.Records;

public readonly record struct RecordHeader(string Key, ReadOnlyMemory<byte>? Value);

/// <summary>One record of a v2 batch with its absolute offset and timestamp resolved.</summary>
public sealed record Record(
    long Offset,
    long Timestamp,
    ReadOnlyMemory<byte>? Key,
    ReadOnlyMemory<byte>? Value,
    IReadOnlyList<RecordHeader> Headers)
{
    public static readonly IReadOnlyList<RecordHeader> NoHeaders = [];
}

/// <summary>
/// Decodes the records section of a v2 batch (DefaultRecord): length varint, attributes,
/// timestamp delta, offset delta, key, value, headers — all zig-zag varints.
/// </summary>
public static class RecordCodec
{
    /// <summary>Decodes every record of a batch, decompressing when needed.</summary>
    public static List<Record> ReadRecords(ReadOnlySpan<byte> batch)
    {
        if (!RecordBatchHeader.TryRead(batch, out var header))
            throw new InvalidDataException("Batch shorter than its header");
        var body = batch[RecordBatchHeader.Size..header.SizeInBytes];
        byte[] data = header.Compression == CompressionType.None
            ? body.ToArray()
            : CompressionCodecs.Decompress(header.Compression, body);
        return Decode(data, header);
    }

    private static List<Record> Decode(byte[] data, RecordBatchHeader header)
    {
        var records = new List<Record>(Math.Max(0, Math.Min(header.RecordCount, 1 << 16)));
        var memory = new ReadOnlyMemory<byte>(data);
        int pos = 0;
        for (int i = 0; i < header.RecordCount; i++)
        {
            int length = VarintDecoder.ReadVarint(data, ref pos);
            int end = pos + length;
            if (length < 0 || end > data.Length) throw new InvalidDataException("Record length exceeds batch");
            pos++; // attributes (unused)
            long timestampDelta = VarintDecoder.ReadVarlong(data, ref pos);
            int offsetDelta = VarintDecoder.ReadVarint(data, ref pos);
            var key = ReadNullable(memory, data, ref pos);
            var value = ReadNullable(memory, data, ref pos);
            int headerCount = VarintDecoder.ReadVarint(data, ref pos);
            if (headerCount < 0 || headerCount > length) throw new InvalidDataException("Invalid header count");
            IReadOnlyList<RecordHeader> headers = Record.NoHeaders;
            if (headerCount > 0)
            {
                var list = new List<RecordHeader>(headerCount);
                for (int h = 0; h < headerCount; h++)
                {
                    int keyLength = VarintDecoder.ReadVarint(data, ref pos);
                    if (keyLength < 0 || pos + keyLength > end) throw new InvalidDataException("Invalid header key");
                    string headerKey = Encoding.UTF8.GetString(data, pos, keyLength);
                    pos += keyLength;
                    list.Add(new RecordHeader(headerKey, ReadNullable(memory, data, ref pos)));
                }
                headers = list;
            }
            if (pos != end) throw new InvalidDataException("Record length does not match its fields");
            long timestamp = header.TimestampType == TimestampType.LogAppendTime
                ? header.MaxTimestamp
                : header.BaseTimestamp + timestampDelta;
            records.Add(new Record(header.BaseOffset + offsetDelta, timestamp, key, value, headers));
        }
        if (pos != data.Length) throw new InvalidDataException("Trailing bytes after the last record");
        return records;
    }

    private static ReadOnlyMemory<byte>? ReadNullable(ReadOnlyMemory<byte> memory, byte[] data, ref int pos)
    {
        int length = VarintDecoder.ReadVarint(data, ref pos);
        if (length < 0) return null;
        if (pos + length > data.Length) throw new InvalidDataException("Field exceeds record");
        var slice = memory.Slice(pos, length);
        pos += length;
        return slice;
    }

    /// <summary>
    /// Walks the records of an uncompressed batch checking only their framing; cheap enough to
    /// run on every produce. Returns false when the lengths do not add up or the count differs.
    /// </summary>
    public static bool ValidateUncompressedFraming(ReadOnlySpan<byte> records, int expectedCount)
    {
        int pos = 0, count = 0;
        while (pos < records.Length)
        {
            if (!VarintDecoder.TryReadVarint(records, ref pos, out int length) || length <= 0 || length > records.Length - pos)
                return false;
            pos += length;
            count++;
        }
        return count == expectedCount;
    }

    /// <summary>Encodes one record (without the batch header) into the writer.</summary>
    public static void WriteRecord(KafkaWriter writer, int offsetDelta, long timestampDelta,
        ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull, IReadOnlyList<RecordHeader> headers)
    {
        using var body = new KafkaWriter(key.Length + value.Length + 32);
        body.WriteInt8(0);
        body.WriteVarlong(timestampDelta);
        body.WriteVarint(offsetDelta);
        WriteVarBytes(body, key, keyIsNull);
        WriteVarBytes(body, value, valueIsNull);
        body.WriteVarint(headers.Count);
        foreach (var h in headers)
        {
            byte[] hk = Encoding.UTF8.GetBytes(h.Key);
            WriteVarBytes(body, hk, false);
            WriteVarBytes(body, h.Value is { } hv ? hv.Span : default, h.Value is null);
        }
        writer.WriteVarint(body.Length);
        writer.WriteRaw(body.WrittenSpan);
    }

    private static void WriteVarBytes(KafkaWriter writer, ReadOnlySpan<byte> bytes, bool isNull)
    {
        if (isNull) { writer.WriteVarint(-1); return; }
        writer.WriteVarint(bytes.Length);
        writer.WriteRaw(bytes);
    }
}

/// <summary>Zig-zag varint decoding for record fields.</summary>
public static class VarintDecoder
{
    public static int ReadVarint(ReadOnlySpan<byte> data, ref int pos) =>
        TryReadVarint(data, ref pos, out int value) ? value : throw new InvalidDataException("Malformed varint");

    public static bool TryReadVarint(ReadOnlySpan<byte> data, ref int pos, out int value)
    {
        uint raw = 0;
        for (int shift = 0; shift <= 28; shift += 7)
        {
            if (pos >= data.Length) { value = 0; return false; }
            byte b = data[pos++];
            raw |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) { value = (int)(raw >> 1) ^ -(int)(raw & 1); return true; }
        }
        value = 0;
        return false;
    }

    public static long ReadVarlong(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong raw = 0;
        for (int shift = 0; shift <= 63; shift += 7)
        {
            if (pos >= data.Length) throw new InvalidDataException("Malformed varlong");
            byte b = data[pos++];
            raw |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return (long)(raw >> 1) ^ -(long)(raw & 1);
        }
        throw new InvalidDataException("Malformed varlong");
    }
}
