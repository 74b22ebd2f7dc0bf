using ControlCenter.Broker.Protocol;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.Broker.Storage;

/// <summary>Outcome of checking an idempotent batch against what the partition has seen.</summary>
internal readonly record struct ProducerCheck(ErrorCode Error, long? DuplicateBaseOffset = null)
{
    public static readonly ProducerCheck Ok = new(ErrorCode.None);
}

/// <summary>An active producer of a partition, as DescribeProducers reports it.</summary>
internal readonly record struct ActiveProducer(long ProducerId, short Epoch, int LastSequence, long LastTimestamp, long CurrentTxnStartOffset);

/// <summary>A transaction a marker just ended in this partition: from its first record to the marker.</summary>
internal readonly record struct CompletedTxn(long ProducerId, long FirstOffset, long LastOffset);

/// <summary>
/// Idempotent-producer state of one partition (Kafka's ProducerStateManager): per producer id
/// the epoch and the metadata of its last five batches, so that a retried batch is answered
/// with its original offset instead of being written twice, and gaps are refused. It also knows
/// each producer's open transaction (from its first transactional batch to its marker): the
/// earliest of them is the first unstable offset, which holds back the last stable offset.
/// </summary>
internal sealed class ProducerStateManager
{
    public const int RetainedBatches = 5;

    private sealed class ProducerEntry
    {
        public short Epoch = RecordBatchHeader.NoProducerEpoch;
        public readonly LinkedList<(int FirstSeq, int LastSeq, long FirstOffset, long LastOffset)> Batches = new();
        public long LastTimestamp;
        public long CurrentTxnFirstOffset = -1;
    }

    private readonly Dictionary<long, ProducerEntry> _producers = new();
    private readonly SortedSet<(long FirstOffset, long ProducerId)> _ongoing = new();

    /// <summary>The first offset of the earliest open transaction; null when none is open.</summary>
    public long? FirstUnstableOffset => _ongoing.Count > 0 ? _ongoing.Min.FirstOffset : null;

    public int ProducerCount => _producers.Count;

    public ProducerCheck Check(in RecordBatchHeader batch)
    {
        if (!batch.HasProducerId) return ProducerCheck.Ok;
        if (!_producers.TryGetValue(batch.ProducerId, out var entry))
            return ProducerCheck.Ok; // unknown producer (new, or its state expired): any sequence is accepted, as in Kafka
        if (batch.ProducerEpoch < entry.Epoch)
            return new ProducerCheck(ErrorCode.InvalidProducerEpoch);
        if (batch.ProducerEpoch > entry.Epoch)
            return batch.BaseSequence == 0 ? ProducerCheck.Ok : new ProducerCheck(ErrorCode.OutOfOrderSequenceNumber);

        int firstSeq = batch.BaseSequence, lastSeq = batch.LastSequence;
        foreach (var cached in entry.Batches)
            if (cached.FirstSeq == firstSeq && cached.LastSeq == lastSeq)
                return new ProducerCheck(ErrorCode.None, cached.FirstOffset);

        if (entry.Batches.Last is { } lastBatch)
        {
            int expected = lastBatch.Value.LastSeq == int.MaxValue ? 0 : lastBatch.Value.LastSeq + 1;
            if (firstSeq != expected) return new ProducerCheck(ErrorCode.OutOfOrderSequenceNumber);
        }
        return ProducerCheck.Ok;
    }

    /// <summary>
    /// Records a batch that has been appended (with its final offsets); a marker (control batch)
    /// ends the producer's open transaction and returns it.
    /// </summary>
    public CompletedTxn? Update(in RecordBatchHeader batch)
    {
        if (!batch.HasProducerId) return null;
        if (!_producers.TryGetValue(batch.ProducerId, out var entry))
            _producers[batch.ProducerId] = entry = new ProducerEntry();
        if (batch.IsControl)
        {
            // A marker written after an epoch bump fences the older epoch from here on.
            if (batch.ProducerEpoch > entry.Epoch) { entry.Epoch = batch.ProducerEpoch; entry.Batches.Clear(); }
            if (entry.CurrentTxnFirstOffset < 0) return null;
            var done = new CompletedTxn(batch.ProducerId, entry.CurrentTxnFirstOffset, batch.LastOffset);
            _ongoing.Remove((entry.CurrentTxnFirstOffset, batch.ProducerId));
            entry.CurrentTxnFirstOffset = -1;
            return done;
        }
        if (batch.ProducerEpoch != entry.Epoch)
        {
            entry.Epoch = batch.ProducerEpoch;
            entry.Batches.Clear();
        }
        entry.Batches.AddLast((batch.BaseSequence, batch.LastSequence, batch.BaseOffset, batch.LastOffset));
        while (entry.Batches.Count > RetainedBatches) entry.Batches.RemoveFirst();
        entry.LastTimestamp = batch.MaxTimestamp;
        if (batch.IsTransactional && entry.CurrentTxnFirstOffset < 0)
        {
            entry.CurrentTxnFirstOffset = batch.BaseOffset;
            _ongoing.Add((batch.BaseOffset, batch.ProducerId));
        }
        return null;
    }

    /// <summary>Forgets producers whose last batch lies below the log start offset.</summary>
    public void RemoveBefore(long logStartOffset)
    {
        foreach (var id in _producers.Where(p => p.Value.Batches.Last is { } b && b.Value.LastOffset < logStartOffset && p.Value.CurrentTxnFirstOffset < 0).Select(p => p.Key).ToList())
            _producers.Remove(id);
    }

    public void Clear()
    {
        _producers.Clear();
        _ongoing.Clear();
    }

    /// <summary>Every producer with state here, by id: its epoch, last sequence written and last batch's max timestamp.</summary>
    public List<ActiveProducer> Describe() =>
        _producers.OrderBy(p => p.Key)
            .Select(p => new ActiveProducer(p.Key, p.Value.Epoch, p.Value.Batches.Last?.Value.LastSeq ?? -1, p.Value.LastTimestamp, p.Value.CurrentTxnFirstOffset))
            .ToList();
}
