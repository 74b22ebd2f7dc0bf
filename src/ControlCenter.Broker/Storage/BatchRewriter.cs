using ControlCenter.LogFormat.Records;

namespace ControlCenter.Broker.Storage;

/// <summary>Rewrites batches when the topic's compression.type differs from what the producer sent.</summary>
internal static class BatchRewriter
{
    public static CompressionType? TargetCompression(LogConfig config) => config.CompressionType switch
    {
        "producer" => null,
        "uncompressed" => CompressionType.None,
        "gzip" => CompressionType.Gzip,
        "snappy" => CompressionType.Snappy,
        "lz4" => CompressionType.Lz4,
        "zstd" => CompressionType.Zstd,
        _ => null,
    };

    /// <summary>Re-encodes every batch with <paramref name="target"/>, keeping producer fields, offsets deltas and timestamps.</summary>
    public static byte[] Recompress(ReadOnlySpan<byte> batches, CompressionType target)
    {
        var output = new MemoryStream(batches.Length);
        int pos = 0;
        while (pos < batches.Length)
        {
            RecordBatchHeader.TryRead(batches[pos..], out var h);
            var batch = batches.Slice(pos, h.SizeInBytes);
            pos += h.SizeInBytes;
            if (h.Compression == target) { output.Write(batch); continue; }
            var builder = new RecordBatchBuilder
            {
                Compression = target,
                ProducerId = h.ProducerId,
                ProducerEpoch = h.ProducerEpoch,
                BaseSequence = h.BaseSequence,
                IsTransactional = h.IsTransactional,
                LastOffsetDeltaOverride = h.LastOffsetDelta,
            };
            foreach (var r in RecordCodec.ReadRecords(batch))
                builder.Add(r.Timestamp, r.Key?.ToArray(), r.Value?.ToArray(), r.Headers, (int)(r.Offset - h.BaseOffset));
            output.Write(builder.Build());
        }
        return output.ToArray();
    }
}
