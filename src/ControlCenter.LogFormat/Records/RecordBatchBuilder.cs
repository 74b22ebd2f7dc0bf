using ControlCenter.LogFormat;
namespace ControlCenter.LogFormat.Records;

/// <summary>
/// Builds a v2 record batch. The broker uses it for batches it writes itself (group offsets,
/// compaction output, up-converted legacy messages); tests use it to craft input.
/// </summary>
public sealed class RecordBatchBuilder
{
    private readonly List<(int OffsetDelta, long Timestamp, byte[]? Key, byte[]? Value, IReadOnlyList<RecordHeader> Headers)> _records = [];

    public CompressionType Compression { get; init; } = CompressionType.None;
    public TimestampType TimestampType { get; init; } = TimestampType.CreateTime;
    public long BaseOffset { get; init; }
    public long ProducerId { get; init; } = RecordBatchHeader.NoProducerId;
    public short ProducerEpoch { get; init; } = RecordBatchHeader.NoProducerEpoch;
    public int BaseSequence { get; init; } = RecordBatchHeader.NoSequence;
    public bool IsTransactional { get; init; }
    public bool IsControl { get; init; }
    /// <summary>When set, baseTimestamp holds the delete horizon (Kafka's cleaner, KIP-534).</summary>
    public long? DeleteHorizonMs { get; init; }
    /// <summary>For LogAppendTime batches: the broker's append time stored as maxTimestamp.</summary>
    public long? LogAppendTime { get; init; }
    /// <summary>Overrides lastOffsetDelta when compaction left gaps at the end of a batch.</summary>
    public int? LastOffsetDeltaOverride { get; init; }

    public int Count => _records.Count;

    public RecordBatchBuilder Add(long timestamp, byte[]? key, byte[]? value, IReadOnlyList<RecordHeader>? headers = null, int? offsetDelta = null)
    {
        _records.Add((offsetDelta ?? _records.Count, timestamp, key, value, headers ?? Record.NoHeaders));
        return this;
    }

    public byte[] Build()
    {
        if (_records.Count == 0) throw new InvalidOperationException("A batch needs at least one record");
        long firstTimestamp = _records[0].Timestamp;
        long maxTimestamp = LogAppendTime ?? _records.Max(r => r.Timestamp);
        long baseTimestamp = DeleteHorizonMs ?? firstTimestamp;

        using var records = new KafkaWriter(_records.Sum(r => (r.Key?.Length ?? 0) + (r.Value?.Length ?? 0) + 24));
        foreach (var r in _records)
            RecordCodec.WriteRecord(records, r.OffsetDelta, r.Timestamp - baseTimestamp,
                r.Key, r.Key is null, r.Value, r.Value is null, r.Headers);
        byte[] body = CompressionCodecs.Compress(Compression, records.WrittenSpan);

        short attributes = (short)Compression;
        if (TimestampType == TimestampType.LogAppendTime) attributes |= RecordBatchHeader.TimestampTypeBit;
        if (IsTransactional) attributes |= RecordBatchHeader.TransactionalBit;
        if (IsControl) attributes |= RecordBatchHeader.ControlBit;
        if (DeleteHorizonMs is not null) attributes |= RecordBatchHeader.DeleteHorizonBit;

        using var w = new KafkaWriter(RecordBatchHeader.Size + body.Length);
        w.WriteInt64(BaseOffset);
        w.WriteInt32(RecordBatchHeader.Size - RecordBatchHeader.LogOverhead + body.Length);
        w.WriteInt32(0);          // partition leader epoch
        w.WriteInt8(2);           // magic
        w.WriteUInt32(0);         // crc, filled below
        w.WriteInt16(attributes);
        w.WriteInt32(LastOffsetDeltaOverride ?? _records[^1].OffsetDelta);
        w.WriteInt64(baseTimestamp);
        w.WriteInt64(maxTimestamp);
        w.WriteInt64(ProducerId);
        w.WriteInt16(ProducerEpoch);
        w.WriteInt32(BaseSequence);
        w.WriteInt32(_records.Count);
        w.WriteRaw(body);
        byte[] batch = w.ToArray();
        RecordBatchHeader.WriteCrc(batch);
        return batch;
    }
}
