using ControlCenter.Broker.Protocol;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.Broker.Storage;

internal readonly record struct ValidationResult(ErrorCode Error, string? Message, List<RecordBatchHeader> Batches)
{
    public static ValidationResult Fail(ErrorCode error, string message) => new(error, message, []);
}

/// <summary>
/// Checks produced batches before they touch the log, as Kafka's LogValidator and
/// ProduceRequest.validateRecords do: framing, magic, CRC, counts, sizes, codecs, timestamps.
/// A failure rejects the partition's whole write; nothing is appended.
/// </summary>
internal static class LogValidator
{
    public static ValidationResult Validate(ReadOnlySpan<byte> records, LogConfig config, short produceVersion, long nowMs, bool isInternal = false)
    {
        var batches = new List<RecordBatchHeader>(1);
        int pos = 0;
        while (pos < records.Length)
        {
            var rest = records[pos..];
            if (rest.Length < RecordBatchHeader.LogOverhead + 5)
                return ValidationResult.Fail(ErrorCode.CorruptMessage, "Truncated record batch");
            var (_, length, magic) = RecordBatchHeader.ReadPrefix(rest);
            if (magic != 2)
                return ValidationResult.Fail(ErrorCode.InvalidRecord, $"Produce v{produceVersion} requires message format v2, got magic {magic}");
            if (length < RecordBatchHeader.Size - RecordBatchHeader.LogOverhead || length > rest.Length - RecordBatchHeader.LogOverhead)
                return ValidationResult.Fail(ErrorCode.CorruptMessage, "Record batch length does not match the data");
            RecordBatchHeader.TryRead(rest, out var batch);
            var bytes = rest[..batch.SizeInBytes];
            if (batch.SizeInBytes > config.MaxMessageBytes)
                return ValidationResult.Fail(ErrorCode.MessageTooLarge, $"Batch of {batch.SizeInBytes} bytes exceeds max.message.bytes {config.MaxMessageBytes}");
            if (!batch.IsCrcValid(bytes))
                return ValidationResult.Fail(ErrorCode.CorruptMessage, "Record batch CRC mismatch");
            if (batch.RecordCount <= 0 || batch.LastOffsetDelta + 1 != batch.RecordCount)
                return ValidationResult.Fail(ErrorCode.InvalidRecord, "Record count does not match lastOffsetDelta");
            if (batch.BaseOffset != 0 && !isInternal)
                return ValidationResult.Fail(ErrorCode.InvalidRecord, "Producers must send base offset 0");
            if (batch.IsControl && !isInternal)
                return ValidationResult.Fail(ErrorCode.InvalidRecord, "Clients may not write control batches");
            if (batch.HasProducerId && batch.BaseSequence < 0)
                return ValidationResult.Fail(ErrorCode.InvalidRecord, "Idempotent batch without a base sequence");
            if ((int)batch.Compression > 4)
                return ValidationResult.Fail(ErrorCode.CorruptMessage, "Unknown compression codec");
            if (batch.Compression == CompressionType.Zstd && produceVersion < 7)
                return ValidationResult.Fail(ErrorCode.UnsupportedCompressionType, "zstd requires Produce v7 or later");
            if (batch.TimestampType == TimestampType.LogAppendTime && !isInternal)
                return ValidationResult.Fail(ErrorCode.InvalidTimestamp, "Clients may not set LogAppendTime");
            if (config.TimestampType == TimestampType.CreateTime && TimestampOutOfRange(batch, config, nowMs) is { } tsError)
                return ValidationResult.Fail(ErrorCode.InvalidTimestamp, tsError);
            if (batch.Compression == CompressionType.None
                && !RecordCodec.ValidateUncompressedFraming(bytes[RecordBatchHeader.Size..], batch.RecordCount))
                return ValidationResult.Fail(ErrorCode.CorruptMessage, "Record lengths do not add up to the batch");
            if (config.Compact && !isInternal && !AllRecordsHaveKeys(bytes))
                return ValidationResult.Fail(ErrorCode.InvalidRecord, "Compacted topic cannot accept a record without a key");
            batches.Add(batch);
            pos += batch.SizeInBytes;
        }
        if (batches.Count == 0)
            return ValidationResult.Fail(ErrorCode.InvalidRecord, "No record batch in the request");
        if (produceVersion >= 3 && batches.Count > 1 && !isInternal)
            return ValidationResult.Fail(ErrorCode.InvalidRecord, "Produce v3+ must carry exactly one record batch per partition");
        return new ValidationResult(ErrorCode.None, null, batches);
    }

    private static string? TimestampOutOfRange(in RecordBatchHeader batch, LogConfig config, long nowMs)
    {
        if (config.TimestampBeforeMaxMs != long.MaxValue && batch.BaseTimestamp < nowMs - config.TimestampBeforeMaxMs)
            return $"Timestamp {batch.BaseTimestamp} is more than message.timestamp.before.max.ms before now";
        if (config.TimestampAfterMaxMs != long.MaxValue && batch.MaxTimestamp > nowMs + config.TimestampAfterMaxMs)
            return $"Timestamp {batch.MaxTimestamp} is more than message.timestamp.after.max.ms after now";
        return null;
    }

    private static bool AllRecordsHaveKeys(ReadOnlySpan<byte> batch)
    {
        try
        {
            foreach (var record in RecordCodec.ReadRecords(batch))
                if (record.Key is null) return false;
            return true;
        }
        catch (InvalidDataException) { return false; }
    }
}
