namespace ControlCenter.LogFormat.Records;

/// <summary>A transactional id's state, numbered as Kafka stores it in __transaction_state (TransactionState).</summary>
public enum TransactionState : sbyte
{
    Empty = 0,
    Ongoing = 1,
    PrepareCommit = 2,
    PrepareAbort = 3,
    CompleteCommit = 4,
    CompleteAbort = 5,
    Dead = 6,
    PrepareEpochFence = 7,
}

public static class TransactionStates
{
    /// <summary>Begun and not yet ended: its partitions' last stable offsets wait for it.</summary>
    public static bool IsOpen(this TransactionState state) =>
        state is TransactionState.Ongoing or TransactionState.PrepareCommit or TransactionState.PrepareAbort or TransactionState.PrepareEpochFence;
}

/// <summary>An immutable copy of a transactional id's state: what is persisted and described.</summary>
public sealed record TransactionSnapshot(string TransactionalId, long ProducerId, short ProducerEpoch, int TimeoutMs, TransactionState State,
    IReadOnlyList<(string Topic, int Partition)> Partitions, long StartTimestampMs, long LastUpdateTimestampMs);

/// <summary>
/// Keys and values of __transaction_state in Kafka's own schemas (TransactionLogKey v0 and
/// TransactionLogValue v0), so Kafka's tools can read the topic: key {version, transactionalId};
/// value {version, producerId, producerEpoch, timeoutMs, status, partitions, lastUpdate, start}.
/// A null value (tombstone) forgets the id.
/// </summary>
public static class TransactionLogRecords
{
    private const short KeyVersion = 0, ValueVersion = 0;

    public static byte[] Key(string transactionalId)
    {
        using var w = new KafkaWriter(32);
        w.WriteInt16(KeyVersion);
        w.WriteString(transactionalId);
        return w.ToArray();
    }

    public static byte[] Value(TransactionSnapshot t)
    {
        using var w = new KafkaWriter(64);
        w.WriteInt16(ValueVersion);
        w.WriteInt64(t.ProducerId);
        w.WriteInt16(t.ProducerEpoch);
        w.WriteInt32(t.TimeoutMs);
        w.WriteInt8((sbyte)t.State);
        var topics = t.Partitions.GroupBy(p => p.Topic).ToList();
        w.WriteInt32(topics.Count);
        foreach (var topic in topics)
        {
            w.WriteString(topic.Key);
            w.WriteInt32(topic.Count());
            foreach (var p in topic) w.WriteInt32(p.Partition);
        }
        w.WriteInt64(t.LastUpdateTimestampMs);
        w.WriteInt64(t.StartTimestampMs);
        return w.ToArray();
    }

    /// <summary>The transactional id of a key; null for a key of another version (skipped, as Kafka would not know it either).</summary>
    public static string? ReadKey(ReadOnlyMemory<byte> key)
    {
        var r = new KafkaReader(key);
        return r.ReadInt16() == KeyVersion ? r.ReadString() : null;
    }

    public static TransactionSnapshot ReadValue(string transactionalId, ReadOnlyMemory<byte> value)
    {
        var r = new KafkaReader(value);
        short version = r.ReadInt16();
        if (version > 1) throw new ProtocolException($"Unknown TransactionLogValue version {version}");
        long producerId = r.ReadInt64();
        short epoch = r.ReadInt16();
        int timeout = r.ReadInt32();
        var state = (TransactionState)r.ReadInt8();
        var partitions = new List<(string, int)>();
        int topics = version >= 1 ? r.ReadCompactArrayLength() : r.ReadInt32();
        for (int i = 0; i < topics; i++)
        {
            string topic = version >= 1 ? r.ReadCompactString() : r.ReadString();
            int count = version >= 1 ? r.ReadCompactArrayLength() : r.ReadInt32();
            for (int j = 0; j < count; j++) partitions.Add((topic, r.ReadInt32()));
            if (version >= 1) r.SkipTaggedFields();
        }
        long lastUpdate = r.ReadInt64();
        long start = r.ReadInt64();
        return new TransactionSnapshot(transactionalId, producerId, epoch, timeout, state, partitions, start, lastUpdate);
    }
}
