using System.Buffers.Binary;
using System.Text;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.LogFormat.Tests;

/// <summary>Record batch v2 (Kafka's DefaultRecordBatch) as built and read here, against a hand-laid frame.</summary>
public class RecordBatchTests
{
    [Fact]
    public void AOneRecordBatchIsLaidOutExactlyAsKafkaDoes()
    {
        var batch = new RecordBatchBuilder { BaseOffset = 5 }.Add(1_700_000_000_000, "k"u8.ToArray(), "v"u8.ToArray()).Build();

        // The record: length, attributes 0, timestamp delta 0, offset delta 0, key "k", value "v", no headers (zig-zag varints).
        byte[] record = [0x10, 0x00, 0x00, 0x00, 0x02, (byte)'k', 0x02, (byte)'v', 0x00];
        var expected = new byte[61 + record.Length];
        var e = expected.AsSpan();
        BinaryPrimitives.WriteInt64BigEndian(e, 5);                           // base offset
        BinaryPrimitives.WriteInt32BigEndian(e[8..], 49 + record.Length);     // batch length: from the epoch on
        BinaryPrimitives.WriteInt32BigEndian(e[12..], 0);                     // partition leader epoch
        e[16] = 2;                                                            // magic
        BinaryPrimitives.WriteInt16BigEndian(e[21..], 0);                     // attributes
        BinaryPrimitives.WriteInt32BigEndian(e[23..], 0);                     // last offset delta
        BinaryPrimitives.WriteInt64BigEndian(e[27..], 1_700_000_000_000);     // base timestamp
        BinaryPrimitives.WriteInt64BigEndian(e[35..], 1_700_000_000_000);     // max timestamp
        BinaryPrimitives.WriteInt64BigEndian(e[43..], -1);                    // producer id
        BinaryPrimitives.WriteInt16BigEndian(e[51..], -1);                    // producer epoch
        BinaryPrimitives.WriteInt32BigEndian(e[53..], -1);                    // base sequence
        BinaryPrimitives.WriteInt32BigEndian(e[57..], 1);                     // record count
        record.CopyTo(e[61..]);
        BinaryPrimitives.WriteUInt32BigEndian(e[17..], Crc32C.Compute(e[21..])); // CRC-32C of everything after it
        Assert.Equal(expected, batch);
    }

    [Fact]
    public void HeadersNullsTimestampsAndCompressionSurviveARoundTrip()
    {
        foreach (var codec in new[] { CompressionType.None, CompressionType.Zstd, CompressionType.Lz4 })
        {
            var builder = new RecordBatchBuilder { BaseOffset = 1000, Compression = codec, ProducerId = 42, ProducerEpoch = 3, BaseSequence = 7 };
            builder.Add(100, null, "first"u8.ToArray(), [new RecordHeader("trace", "t-1"u8.ToArray()), new RecordHeader("empty", null)]);
            builder.Add(250, "key"u8.ToArray(), null);
            builder.Add(90, "k3"u8.ToArray(), new byte[70_000]);
            var batch = builder.Build();

            Assert.True(RecordBatchHeader.TryRead(batch, out var h));
            Assert.True(h.IsCrcValid(batch));
            Assert.Equal((1000L, 1002L, 3, codec, 250L), (h.BaseOffset, h.LastOffset, h.RecordCount, h.Compression, h.MaxTimestamp));
            Assert.Equal((42L, (short)3, 7, 9), (h.ProducerId, h.ProducerEpoch, h.BaseSequence, h.LastSequence));
            var records = RecordCodec.ReadRecords(batch);
            Assert.Equal([1000L, 1001L, 1002L], records.Select(r => r.Offset));
            Assert.Equal([100L, 250L, 90L], records.Select(r => r.Timestamp));
            Assert.Null(records[0].Key);
            Assert.Equal("first", Encoding.UTF8.GetString(records[0].Value!.Value.Span));
            Assert.Equal(("trace", "t-1"), (records[0].Headers[0].Key, Encoding.UTF8.GetString(records[0].Headers[0].Value!.Value.Span)));
            Assert.Null(records[0].Headers[1].Value);
            Assert.Null(records[1].Value);
            Assert.Equal(70_000, records[2].Value!.Value.Length);
        }
    }

    [Fact]
    public void AFlippedBitFailsTheCrcAndATruncatedBatchIsNotRead()
    {
        var batch = new RecordBatchBuilder().Add(1, null, new byte[100]).Build();
        RecordBatchHeader.TryRead(batch, out var h);
        batch[^10] ^= 0x01;
        Assert.False(h.IsCrcValid(batch));
        Assert.False(RecordBatchHeader.TryRead(batch.AsSpan(0, 40), out _));
        Assert.Throws<InvalidDataException>(() => RecordCodec.ReadRecords(batch.AsSpan(0, 40)));
    }

    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(-1, new byte[] { 0x01 })]
    [InlineData(1, new byte[] { 0x02 })]
    [InlineData(63, new byte[] { 0x7E })]
    [InlineData(-64, new byte[] { 0x7F })]
    [InlineData(64, new byte[] { 0x80, 0x01 })]
    [InlineData(int.MaxValue, new byte[] { 0xFE, 0xFF, 0xFF, 0xFF, 0x0F })]
    [InlineData(int.MinValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    public void ZigZagVarintsMatchProtobufsEncoding(int value, byte[] encoded)
    {
        using var w = new KafkaWriter();
        w.WriteVarint(value);
        Assert.Equal(encoded, w.ToArray());
        int pos = 0;
        Assert.Equal(value, VarintDecoder.ReadVarint(encoded, ref pos));
        Assert.Equal(encoded.Length, pos);
    }

    [Fact]
    public void AnOverlongVarintIsRefused()
    {
        int pos = 0;
        Assert.False(VarintDecoder.TryReadVarint([0x80, 0x80, 0x80, 0x80, 0x80, 0x01], ref pos, out _));
    }
}
