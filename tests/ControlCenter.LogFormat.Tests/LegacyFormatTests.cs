using System.Text;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.LogFormat.Tests;

/// <summary>Message formats v0/v1 (old clients): up-conversion to v2 on produce, down-conversion on fetch.</summary>
public class LegacyFormatTests
{
    private static byte[] Set(sbyte magic, params (long Offset, long Timestamp, string? Key, string? Value)[] messages)
    {
        var output = new MemoryStream();
        foreach (var (offset, ts, key, value) in messages)
            LegacyMessageSet.WriteMessage(output, offset, magic, ts, TimestampType.CreateTime,
                key is null ? default : Encoding.UTF8.GetBytes(key), key is null, value is null ? default : Encoding.UTF8.GetBytes(value), value is null);
        return output.ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void UncompressedMessageSetsBecomeOneV2Batch(sbyte magic)
    {
        var set = Set(magic, (0, 1000, "a", "one"), (1, 2000, null, "two"), (2, 3000, "c", null));
        var batch = LegacyMessageSet.UpConvert(set, TimestampType.CreateTime);
        Assert.True(RecordBatchHeader.TryRead(batch, out var h));
        Assert.True(h.IsCrcValid(batch));
        var records = RecordCodec.ReadRecords(batch);
        Assert.Equal(["a", null, "c"], records.Select(r => r.Key is { } k ? Encoding.UTF8.GetString(k.Span) : null));
        Assert.Equal(["one", "two", null], records.Select(r => r.Value is { } v ? Encoding.UTF8.GetString(v.Span) : null));
        // v0 has no timestamps: they come through as "none" (-1).
        Assert.Equal(magic == 1 ? [1000L, 2000L, 3000L] : [-1L, -1L, -1L], records.Select(r => r.Timestamp));
    }

    [Fact]
    public void ACompressedV1WrapperIsUnpackedWithItsRelativeOffsetsAndItsCodecKept()
    {
        var inner = Set(1, (0, 10, "x", "first"), (1, 20, "y", "second"));
        var compressed = CompressionCodecs.Compress(CompressionType.Gzip, inner);
        var wrapper = new MemoryStream();
        LegacyMessageSet.WriteMessage(wrapper, 41, 1, 20, TimestampType.CreateTime, default, true, compressed, false, CompressionType.Gzip);

        var messages = LegacyMessageSet.Read(wrapper.ToArray(), out var codec);
        Assert.Equal(CompressionType.Gzip, codec);
        Assert.Equal([40L, 41L], messages.Select(m => m.Offset)); // the wrapper carries the last absolute offset
        var batch = LegacyMessageSet.UpConvert(wrapper.ToArray(), TimestampType.CreateTime);
        RecordBatchHeader.TryRead(batch, out var h);
        Assert.Equal((CompressionType.Gzip, 2), (h.Compression, h.RecordCount));
    }

    [Fact]
    public void ACorruptMessageIsRefused()
    {
        var set = Set(1, (0, 1, "k", "value"));
        set[^1] ^= 0xFF;
        Assert.Throws<InvalidDataException>(() => LegacyMessageSet.UpConvert(set, TimestampType.CreateTime));
        Assert.Throws<InvalidDataException>(() => LegacyMessageSet.UpConvert([], TimestampType.CreateTime));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void V2BatchesAreDownConvertedForOldConsumers(sbyte magic)
    {
        var data = new MemoryStream();
        data.Write(new RecordBatchBuilder { BaseOffset = 0, Compression = CompressionType.Snappy }
            .Add(100, "a"u8.ToArray(), "one"u8.ToArray(), [new RecordHeader("dropped", "h"u8.ToArray())]).Add(200, null, "two"u8.ToArray()).Build());
        data.Write(new RecordBatchBuilder { BaseOffset = 2, IsControl = true, IsTransactional = true }.Add(300, new byte[4], new byte[6]).Build());
        data.Write(new RecordBatchBuilder { BaseOffset = 3 }.Add(400, "c"u8.ToArray(), "three"u8.ToArray()).Build());

        var converted = LegacyMessageSet.DownConvert(data.ToArray(), magic, fromOffset: 1, maxBytes: 1 << 20);
        var messages = LegacyMessageSet.Read(converted, out var codec);
        Assert.Equal(CompressionType.None, codec);
        Assert.Equal([1L, 3L], messages.Select(m => m.Offset)); // from the fetch offset on, control batch skipped
        Assert.All(messages, m => Assert.Equal(magic, m.Magic));
        Assert.Equal(["two", "three"], messages.Select(m => Encoding.UTF8.GetString(m.Value!)));
        Assert.Equal(magic == 1 ? [200L, 400L] : [-1L, -1L], messages.Select(m => m.Timestamp));

        // Over max bytes: at least the first message, and never a partial one.
        var one = LegacyMessageSet.Read(LegacyMessageSet.DownConvert(data.ToArray(), magic, 0, maxBytes: 10), out _);
        Assert.Equal([0L], one.Select(m => m.Offset));
    }
}
