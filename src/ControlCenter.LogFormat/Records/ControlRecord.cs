using System.Buffers.Binary;

namespace ControlCenter.LogFormat.Records;

/// <summary>What a control batch says (Kafka's ControlRecordType): a transaction's end.</summary>
public enum ControlRecordType : short
{
    Abort = 0,
    Commit = 1,
}

/// <summary>
/// Transaction markers (Kafka's EndTransactionMarker): a control batch with one record whose key
/// is {version i16 = 0, type i16} and whose value is {version i16 = 0, coordinatorEpoch i32}.
/// The transaction coordinator writes one into every partition a transaction touched.
/// </summary>
public static class ControlRecord
{
    public static byte[] MarkerBatch(ControlRecordType type, long producerId, short producerEpoch, int coordinatorEpoch, long timestamp)
    {
        var key = new byte[4];
        BinaryPrimitives.WriteInt16BigEndian(key.AsSpan(2), (short)type);
        var value = new byte[6];
        BinaryPrimitives.WriteInt32BigEndian(value.AsSpan(2), coordinatorEpoch);
        return new RecordBatchBuilder { ProducerId = producerId, ProducerEpoch = producerEpoch, IsTransactional = true, IsControl = true }
            .Add(timestamp, key, value).Build();
    }

    /// <summary>The marker type of a control batch (its first record's key); null when unreadable.</summary>
    public static ControlRecordType? ReadType(ReadOnlySpan<byte> batch)
    {
        try
        {
            var records = RecordCodec.ReadRecords(batch);
            return records.Count > 0 && records[0].Key is { Length: >= 4 } key
                ? (ControlRecordType)BinaryPrimitives.ReadInt16BigEndian(key.Span[2..]) : null;
        }
        catch (Exception e) when (e is InvalidDataException or ProtocolException) { return null; }
    }
}
