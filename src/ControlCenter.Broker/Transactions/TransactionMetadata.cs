using ControlCenter.LogFormat.Records;

namespace ControlCenter.Broker.Transactions;

/// <summary>
/// What the transaction coordinator knows of one transactional id (Kafka's TransactionMetadata):
/// the producer id and epoch it hands out, the open transaction's partitions and start time.
/// Changed only under its own lock; every change is written to __transaction_state first.
/// </summary>
internal sealed class TransactionMetadata(string transactionalId)
{
    public string TransactionalId { get; } = transactionalId;
    public long ProducerId { get; set; } = -1;
    public short ProducerEpoch { get; set; } = -1;
    /// <summary>The epoch before the coordinator fenced the producer on a timeout: that producer may still re-initialise with it (KIP-360).</summary>
    public short LastProducerEpoch { get; set; } = -1;
    public int TimeoutMs { get; set; }
    public TransactionState State { get; set; } = TransactionState.Empty;
    public SortedSet<(string Topic, int Partition)> Partitions { get; set; } = new();
    public long StartTimestampMs { get; set; } = -1;
    public long LastUpdateTimestampMs { get; set; }
    /// <summary>Guards a state change and its __transaction_state write, markers included, so two requests never interleave.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public bool IsPreparing => State is TransactionState.PrepareCommit or TransactionState.PrepareAbort or TransactionState.PrepareEpochFence;

    public TransactionSnapshot Snapshot() =>
        new(TransactionalId, ProducerId, ProducerEpoch, TimeoutMs, State, Partitions.ToList(), StartTimestampMs, LastUpdateTimestampMs);
}
