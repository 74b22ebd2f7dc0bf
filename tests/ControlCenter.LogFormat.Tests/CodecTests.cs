using System.Buffers.Binary;
using System.IO.Compression;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.LogFormat.Tests;

/// <summary>The four batch codecs: round trips, the framings other clients send, and refusal of garbage.</summary>
public class CodecTests
{
    public static TheoryData<CompressionType, int> Cases()
    {
        var data = new TheoryData<CompressionType, int>();
        foreach (var codec in new[] { CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd })
            foreach (int size in new[] { 0, 1, 1000, 200_000 })
                data.Add(codec, size);
        return data;
    }

    private static byte[] Payload(int size)
    {
        // Half random, half repetitive: exercises literal runs and matches alike.
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes.AsSpan(0, size / 2));
        for (int i = size / 2; i < size; i++) bytes[i] = (byte)(i % 7);
        return bytes;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryCodecRoundTripsByteExact(CompressionType codec, int size)
    {
        var payload = Payload(size);
        var compressed = CompressionCodecs.Compress(codec, payload);
        Assert.Equal(payload, CompressionCodecs.Decompress(codec, compressed));
        if (codec != CompressionType.None && size == 200_000) Assert.True(compressed.Length < size, $"{codec} did not compress");
    }

    [Fact]
    public void GzipFromAnotherWriterIsRead()
    {
        var payload = Payload(5000);
        var other = new MemoryStream();
        using (var gzip = new GZipStream(other, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(payload);
        Assert.Equal(payload, CompressionCodecs.Decompress(CompressionType.Gzip, other.ToArray()));
    }

    [Fact]
    public void XerialFramedSnappyAsTheJavaClientSendsItIsRead()
    {
        var first = Payload(3000);
        var second = Payload(1234);
        var framed = new MemoryStream();
        framed.Write([0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1]);
        foreach (var block in new[] { first, second })
        {
            var raw = Snappier.Snappy.CompressToArray(block);
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, raw.Length);
            framed.Write(length);
            framed.Write(raw);
        }
        Assert.Equal(first.Concat(second).ToArray(), CompressionCodecs.Decompress(CompressionType.Snappy, framed.ToArray()));
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void GarbageIsRefusedWithInvalidData(CompressionType codec)
    {
        var garbage = new byte[64];
        new Random(3).NextBytes(garbage);
        // Whatever the library throws, the broker sees one kind of error: a corrupt record.
        Assert.Throws<InvalidDataException>(() => CompressionCodecs.Decompress(codec, garbage));
        // A cut-off stream too (gzip's reader in .NET accepts a missing trailer; the batch CRC guards that one).
        if (codec != CompressionType.Gzip)
            Assert.Throws<InvalidDataException>(() => CompressionCodecs.Decompress(codec, CompressionCodecs.Compress(codec, Payload(1000))[..^3]));
    }

    [Fact]
    public void AnUnknownCodecIsRefused() =>
        Assert.Throws<InvalidDataException>(() => CompressionCodecs.Decompress((CompressionType)6, [1, 2, 3]));
}
