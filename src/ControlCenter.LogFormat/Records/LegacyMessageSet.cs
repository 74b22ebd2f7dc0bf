using System.Buffers.Binary;

namespace ControlCenter.LogFormat.Records;

/// <summary>One message of the legacy formats (magic 0 and 1).</summary>
public sealed record LegacyMessage(long Offset, sbyte Magic, long Timestamp, TimestampType TimestampType, byte[]? Key, byte[]? Value);

/// <summary>
/// Message format v0/v1 (Kafka's LegacyRecord): offset, size, CRC-32, magic, attributes,
/// [timestamp], key, value. A compressed message is a wrapper whose value holds an inner
/// message set; in v1 the inner offsets are relative and the wrapper carries the last one.
/// Older clients (sarama, kafka-go 0.2) still speak it; the broker stores only v2.
/// </summary>
public static class LegacyMessageSet
{
    private const int LogOverhead = 12;

    /// <summary>Parses a message set, unwrapping compressed wrappers. Offsets are as the sender wrote them (relative for inner v1).</summary>
    public static List<LegacyMessage> Read(ReadOnlySpan<byte> set, out CompressionType wrapperCompression)
    {
        wrapperCompression = CompressionType.None;
        var messages = new List<LegacyMessage>();
        int pos = 0;
        while (pos < set.Length)
        {
            if (set.Length - pos < LogOverhead + 14) break; // a partial trailing message is allowed on the wire
            long offset = BinaryPrimitives.ReadInt64BigEndian(set[pos..]);
            int size = BinaryPrimitives.ReadInt32BigEndian(set[(pos + 8)..]);
            if (size < 14 || pos + LogOverhead + size > set.Length)
                throw new InvalidDataException("Legacy message size exceeds the message set");
            var message = set.Slice(pos + LogOverhead, size);
            pos += LogOverhead + size;

            uint crc = BinaryPrimitives.ReadUInt32BigEndian(message);
            if (Crc32Ieee.Compute(message[4..]) != crc) throw new InvalidDataException("Legacy message CRC mismatch");
            sbyte magic = (sbyte)message[4];
            if (magic is not (0 or 1)) throw new InvalidDataException($"Unexpected magic {magic} in a legacy message set");
            byte attributes = message[5];
            int p = 6;
            long timestamp = -1;
            if (magic == 1) { timestamp = BinaryPrimitives.ReadInt64BigEndian(message[p..]); p += 8; }
            var key = ReadBytes(message, ref p);
            var value = ReadBytes(message, ref p);
            var codec = (CompressionType)(attributes & 0x07);
            var tsType = magic == 1 && (attributes & 0x08) != 0 ? TimestampType.LogAppendTime : TimestampType.CreateTime;
            if (codec == CompressionType.None)
            {
                messages.Add(new LegacyMessage(offset, magic, timestamp, tsType, key, value));
                continue;
            }
            if (value is null) throw new InvalidDataException("Compressed legacy wrapper without a value");
            wrapperCompression = codec;
            var inner = Read(CompressionCodecs.Decompress(codec, value), out _);
            // v1 wrappers carry the absolute offset of the last inner message; inner offsets are relative.
            long shift = magic == 1 && inner.Count > 0 ? offset - inner[^1].Offset : 0;
            foreach (var m in inner)
                messages.Add(m with { Offset = m.Offset + shift, Timestamp = tsType == TimestampType.LogAppendTime ? timestamp : m.Timestamp });
        }
        return messages;
    }

    private static byte[]? ReadBytes(ReadOnlySpan<byte> message, ref int p)
    {
        int length = BinaryPrimitives.ReadInt32BigEndian(message[p..]);
        p += 4;
        if (length < 0) return null;
        if (p + length > message.Length) throw new InvalidDataException("Legacy message field exceeds the message");
        var bytes = message.Slice(p, length).ToArray();
        p += length;
        return bytes;
    }

    /// <summary>Up-converts a legacy set into one v2 batch, keeping the wrapper's codec (Kafka ≥3.0 stores v2 only).</summary>
    public static byte[] UpConvert(ReadOnlySpan<byte> set, TimestampType topicTimestampType)
    {
        var messages = Read(set, out var compression);
        if (messages.Count == 0) throw new InvalidDataException("Empty legacy message set");
        var builder = new RecordBatchBuilder { Compression = compression, TimestampType = topicTimestampType };
        foreach (var m in messages) builder.Add(m.Timestamp, m.Key, m.Value);
        return builder.Build();
    }

    /// <summary>
    /// Writes one legacy message. With a codec, <paramref name="value"/> is the compressed inner
    /// message set and this is its wrapper (old producers send these).
    /// </summary>
    public static void WriteMessage(Stream output, long offset, sbyte magic, long timestamp, TimestampType timestampType,
        ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull, CompressionType codec = CompressionType.None)
    {
        int size = 4 + 1 + 1 + (magic == 1 ? 8 : 0) + 4 + (keyIsNull ? 0 : key.Length) + 4 + (valueIsNull ? 0 : value.Length);
        var buffer = new byte[LogOverhead + size];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteInt64BigEndian(span, offset);
        BinaryPrimitives.WriteInt32BigEndian(span[8..], size);
        int p = LogOverhead + 4;
        span[p++] = (byte)magic;
        span[p++] = (byte)((magic == 1 && timestampType == TimestampType.LogAppendTime ? 0x08 : 0) | (int)codec);
        if (magic == 1) { BinaryPrimitives.WriteInt64BigEndian(span[p..], timestamp); p += 8; }
        p = WriteBytes(span, p, key, keyIsNull);
        WriteBytes(span, p, value, valueIsNull);
        BinaryPrimitives.WriteUInt32BigEndian(span[LogOverhead..], Crc32Ieee.Compute(span[(LogOverhead + 4)..]));
        output.Write(buffer);
    }

    private static int WriteBytes(Span<byte> span, int p, ReadOnlySpan<byte> bytes, bool isNull)
    {
        BinaryPrimitives.WriteInt32BigEndian(span[p..], isNull ? -1 : bytes.Length);
        p += 4;
        if (!isNull) { bytes.CopyTo(span[p..]); p += bytes.Length; }
        return p;
    }

    /// <summary>
    /// Down-converts v2 batches to magic 0 or 1 messages, uncompressed, skipping control
    /// batches and dropping headers (old formats have none), as Kafka does for Fetch v0–3.
    /// Stops before <paramref name="maxBytes"/> but always returns at least one message.
    /// </summary>
    public static byte[] DownConvert(ReadOnlySpan<byte> batches, sbyte toMagic, long fromOffset, int maxBytes)
    {
        var output = new MemoryStream();
        int pos = 0;
        while (pos < batches.Length)
        {
            if (!RecordBatchHeader.TryRead(batches[pos..], out var h) || pos + h.SizeInBytes > batches.Length) break;
            var batch = batches.Slice(pos, h.SizeInBytes);
            pos += h.SizeInBytes;
            if (h.IsControl) continue;
            foreach (var r in RecordCodec.ReadRecords(batch))
            {
                if (r.Offset < fromOffset) continue;
                long before = output.Length;
                WriteMessage(output, r.Offset, toMagic, r.Timestamp, h.TimestampType,
                    r.Key is { } k ? k.Span : default, r.Key is null, r.Value is { } v ? v.Span : default, r.Value is null);
                if (output.Length > maxBytes && before > 0) { output.SetLength(before); return output.ToArray(); }
            }
        }
        return output.ToArray();
    }
}
