using System.Buffers.Binary;
using System.IO.Compression;
using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Streams;
using Snappier;
using ZstdSharp;

namespace ControlCenter.LogFormat.Records;

/// <summary>
/// The four codecs Kafka batches use, through library implementations. Snappy accepts both
/// raw blocks (librdkafka) and xerial framing (the Java client); LZ4 uses the frame format.
/// </summary>
public static class CompressionCodecs
{
    /// <summary>Decompressed data larger than this is refused: a guard against compression bombs.</summary>
    public const int MaxDecompressedBytes = 512 * 1024 * 1024;

    private static ReadOnlySpan<byte> XerialMagic => [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0];

    /// <summary>Decompresses a batch body; anything a codec cannot read is an <see cref="InvalidDataException"/> (a corrupt record, never a crash).</summary>
    public static byte[] Decompress(CompressionType type, ReadOnlySpan<byte> data)
    {
        try { return DecompressUnchecked(type, data); }
        catch (Exception e) when (e is not InvalidDataException and not OutOfMemoryException)
        {
            // Each library reports bad input its own way (ZstdException, LZ4's InvalidOperationException, ...).
            throw new InvalidDataException($"{type} data cannot be decompressed: {e.Message}", e);
        }
    }

    private static byte[] DecompressUnchecked(CompressionType type, ReadOnlySpan<byte> data) => type switch
    {
        CompressionType.None => data.ToArray(),
        CompressionType.Gzip => ReadAll(new GZipStream(new MemoryStream(data.ToArray()), CompressionMode.Decompress)),
        CompressionType.Snappy => DecompressSnappy(data),
        CompressionType.Lz4 => ReadAll(LZ4Stream.Decode(new MemoryStream(data.ToArray()))),
        CompressionType.Zstd => ReadAll(new DecompressionStream(new MemoryStream(data.ToArray()))),
        _ => throw new InvalidDataException($"Unknown compression codec {(int)type}"),
    };

    public static byte[] Compress(CompressionType type, ReadOnlySpan<byte> data)
    {
        switch (type)
        {
            case CompressionType.None:
                return data.ToArray();
            case CompressionType.Gzip:
            {
                var output = new MemoryStream();
                using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(data);
                return output.ToArray();
            }
            case CompressionType.Snappy:
                return Snappy.CompressToArray(data);
            case CompressionType.Lz4:
            {
                var output = new MemoryStream();
                var settings = new LZ4EncoderSettings { ChainBlocks = false, BlockSize = 64 * 1024, CompressionLevel = LZ4Level.L00_FAST };
                using (var lz4 = LZ4Stream.Encode(output, settings, leaveOpen: true)) lz4.Write(data);
                return output.ToArray();
            }
            case CompressionType.Zstd:
            {
                using var compressor = new Compressor(3);
                return compressor.Wrap(data).ToArray();
            }
            default:
                throw new InvalidDataException($"Unknown compression codec {(int)type}");
        }
    }

    private static byte[] DecompressSnappy(ReadOnlySpan<byte> data)
    {
        if (!data.StartsWith(XerialMagic))
            return Snappy.DecompressToArray(data);
        // xerial framing: 8-byte magic, int32 version, int32 compatible version, then
        // repeated [int32 block length][raw snappy block].
        var output = new MemoryStream();
        int pos = 16;
        while (pos < data.Length)
        {
            if (pos + 4 > data.Length) throw new InvalidDataException("Truncated xerial snappy block");
            int length = BinaryPrimitives.ReadInt32BigEndian(data[pos..]);
            pos += 4;
            if (length < 0 || pos + length > data.Length) throw new InvalidDataException("Invalid xerial snappy block length");
            output.Write(Snappy.DecompressToArray(data.Slice(pos, length)));
            if (output.Length > MaxDecompressedBytes) throw new InvalidDataException("Decompressed batch too large");
            pos += length;
        }
        return output.ToArray();
    }

    private static byte[] ReadAll(Stream stream)
    {
        using (stream)
        {
            var output = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, read);
                if (output.Length > MaxDecompressedBytes) throw new InvalidDataException("Decompressed batch too large");
            }
            return output.ToArray();
        }
    }
}
