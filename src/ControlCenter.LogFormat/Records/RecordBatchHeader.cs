using System.Buffers.Binary;

namespace ControlCenter.LogFormat.Records;

public enum CompressionType : byte { None = 0, Gzip = 1, Snappy = 2, Lz4 = 3, Zstd = 4 }

public enum TimestampType : sbyte { NoTimestamp = -1, CreateTime = 0, LogAppendTime = 1 }

/// <summary>
/// The 61-byte header of a v2 record batch (Kafka's DefaultRecordBatch). Field offsets are
/// fixed; the CRC covers everything from <see cref="AttributesOffset"/> to the end of the batch.
/// </summary>
public readonly record struct RecordBatchHeader(
    long BaseOffset,
    int BatchLength,
    int PartitionLeaderEpoch,
    sbyte Magic,
    uint Crc,
    short Attributes,
    int LastOffsetDelta,
    long BaseTimestamp,
    long MaxTimestamp,
    long ProducerId,
    short ProducerEpoch,
    int BaseSequence,
    int RecordCount)
{
    public const int LogOverhead = 12;          // baseOffset + batchLength
    public const int Size = 61;
    public const int MagicOffset = 16;
    public const int PartitionLeaderEpochOffset = 12;
    public const int CrcOffset = 17;
    public const int AttributesOffset = 21;
    public const int MaxTimestampOffset = 35;
    public const int RecordsCountOffset = 57;

    public const short CompressionMask = 0x07;
    public const short TimestampTypeBit = 0x08;
    public const short TransactionalBit = 0x10;
    public const short ControlBit = 0x20;
    public const short DeleteHorizonBit = 0x40;

    public const long NoProducerId = -1;
    public const short NoProducerEpoch = -1;
    public const int NoSequence = -1;

    /// <summary>Total bytes of the batch on disk / on the wire.</summary>
    public int SizeInBytes => BatchLength + LogOverhead;
    public long LastOffset => BaseOffset + LastOffsetDelta;
    public long NextOffset => LastOffset + 1;
    public CompressionType Compression => (CompressionType)(Attributes & CompressionMask);
    public TimestampType TimestampType => (Attributes & TimestampTypeBit) != 0 ? TimestampType.LogAppendTime : TimestampType.CreateTime;
    public bool IsTransactional => (Attributes & TransactionalBit) != 0;
    public bool IsControl => (Attributes & ControlBit) != 0;
    public bool HasDeleteHorizon => (Attributes & DeleteHorizonBit) != 0;
    public bool HasProducerId => ProducerId >= 0;
    public int LastSequence => BaseSequence < 0 ? NoSequence : (int)((BaseSequence + (long)LastOffsetDelta) % ((long)int.MaxValue + 1));

    /// <summary>Reads the fixed header; false when fewer than 61 bytes are available.</summary>
    public static bool TryRead(ReadOnlySpan<byte> span, out RecordBatchHeader header)
    {
        if (span.Length < Size) { header = default; return false; }
        header = new RecordBatchHeader(
            BinaryPrimitives.ReadInt64BigEndian(span),
            BinaryPrimitives.ReadInt32BigEndian(span[8..]),
            BinaryPrimitives.ReadInt32BigEndian(span[12..]),
            (sbyte)span[16],
            BinaryPrimitives.ReadUInt32BigEndian(span[17..]),
            BinaryPrimitives.ReadInt16BigEndian(span[21..]),
            BinaryPrimitives.ReadInt32BigEndian(span[23..]),
            BinaryPrimitives.ReadInt64BigEndian(span[27..]),
            BinaryPrimitives.ReadInt64BigEndian(span[35..]),
            BinaryPrimitives.ReadInt64BigEndian(span[43..]),
            BinaryPrimitives.ReadInt16BigEndian(span[51..]),
            BinaryPrimitives.ReadInt32BigEndian(span[53..]),
            BinaryPrimitives.ReadInt32BigEndian(span[57..]));
        return true;
    }

    /// <summary>Reads just baseOffset and batchLength (the 12-byte log overhead every message format shares).</summary>
    public static (long BaseOffset, int BatchLength, sbyte Magic) ReadPrefix(ReadOnlySpan<byte> span) =>
        (BinaryPrimitives.ReadInt64BigEndian(span), BinaryPrimitives.ReadInt32BigEndian(span[8..]), (sbyte)span[MagicOffset]);

    public static uint ComputeCrc(ReadOnlySpan<byte> batch) => Crc32C.Compute(batch[AttributesOffset..]);

    public bool IsCrcValid(ReadOnlySpan<byte> batch) => ComputeCrc(batch[..SizeInBytes]) == Crc;

    public static void SetBaseOffset(Span<byte> batch, long baseOffset) =>
        BinaryPrimitives.WriteInt64BigEndian(batch, baseOffset);

    public static void SetPartitionLeaderEpoch(Span<byte> batch, int epoch) =>
        BinaryPrimitives.WriteInt32BigEndian(batch[PartitionLeaderEpochOffset..], epoch);

    public static void SetAttributes(Span<byte> batch, short attributes) =>
        BinaryPrimitives.WriteInt16BigEndian(batch[AttributesOffset..], attributes);

    public static void SetMaxTimestamp(Span<byte> batch, long timestamp) =>
        BinaryPrimitives.WriteInt64BigEndian(batch[MaxTimestampOffset..], timestamp);

    /// <summary>Recomputes and stores the CRC after a CRC-covered field was rewritten.</summary>
    public static void WriteCrc(Span<byte> batch) =>
        BinaryPrimitives.WriteUInt32BigEndian(batch[CrcOffset..], ComputeCrc(batch));
}
