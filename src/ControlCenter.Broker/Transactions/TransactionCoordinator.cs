using ControlCenter.LogFormat.Records;
using System.Collections.Concurrent;
using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Server;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Transactions;

/// <summary>
/// The transaction coordinator (Kafka's TransactionCoordinator): hands transactional producers
/// their producer id and epoch, fences zombies by bumping the epoch, records which partitions
/// a transaction touched, and ends it by writing COMMIT or ABORT markers into each of them.
/// Every state change is written to __transaction_state (and, on a cluster, replicated to its
/// in-sync replicas) before it is answered, so a coordinator that crashes mid-commit is
/// finished by the next one. A transaction open longer than its timeout is aborted here.
/// </summary>
internal sealed partial class TransactionCoordinator : IDisposable
{
    private readonly BrokerContext _broker;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, TransactionMetadata> _transactions = new();
    private readonly TransactionMarkerWriter _markers;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _timeouts;

    public TransactionCoordinator(BrokerContext broker, ILogger logger)
    {
        _broker = broker;
        _logger = logger;
        _markers = new TransactionMarkerWriter(broker, logger);
    }

    private long NowMs => _broker.NowMs;
    /// <summary>Writes markers for this node's transactions, and for other coordinators' (WriteTxnMarkers).</summary>
    public TransactionMarkerWriter Markers => _markers;
    private long MaxTimeoutMs => _broker.Logs.BrokerConfig.GetInt(Config.BrokerConfigKeys.TransactionMaxTimeoutMs);

    /// <summary>InitProducerId with a transactional id: a new producer id, or the next epoch of the existing one (aborting what the previous instance left open).</summary>
    public async Task<(ErrorCode Error, long ProducerId, short Epoch)> InitProducerIdAsync(string transactionalId, int timeoutMs, long producerId, short producerEpoch, CancellationToken cancellation)
    {
        if (transactionalId.Length == 0) return (ErrorCode.InvalidRequest, -1, -1);
        if (timeoutMs <= 0 || timeoutMs > MaxTimeoutMs) return (ErrorCode.InvalidTransactionTimeout, -1, -1);
        if (CoordinatorError(transactionalId) is var notHere and not ErrorCode.None) return (notHere, -1, -1);
        var meta = _transactions.GetOrAdd(transactionalId, id => new TransactionMetadata(id));
        await meta.Gate.WaitAsync(cancellation);
        try
        {
            if (meta.ProducerId < 0)
            {
                meta.ProducerId = _broker.Logs.NextProducerId();
                meta.ProducerEpoch = -1;
            }
            else if (producerId >= 0 && (producerId != meta.ProducerId || (producerEpoch != meta.ProducerEpoch && producerEpoch != meta.LastProducerEpoch)))
                return (ErrorCode.ProducerFenced, -1, -1); // KIP-360: only the current producer (or the one a timeout fenced) may bump its own epoch
            if (meta.IsPreparing) return (ErrorCode.ConcurrentTransactions, -1, -1);
            meta.TimeoutMs = timeoutMs;
            if (meta.State == TransactionState.Ongoing)
            {
                // The previous instance left a transaction open: abort it with a bumped epoch, which fences that instance everywhere.
                var error = await EndAsync(meta, commit: false, bumpEpoch: true, cancellation);
                if (error != ErrorCode.None) return (error, -1, -1);
                return (ErrorCode.None, meta.ProducerId, meta.ProducerEpoch);
            }
            if (meta.ProducerEpoch >= short.MaxValue - 1)
            {
                meta.ProducerId = _broker.Logs.NextProducerId(); // epochs exhausted: a new id, as Kafka does
                meta.ProducerEpoch = 0;
            }
            else meta.ProducerEpoch++;
            meta.LastProducerEpoch = -1;
            meta.State = TransactionState.Empty;
            meta.Partitions = new();
            meta.StartTimestampMs = -1;
            var written = await PersistAsync(meta, cancellation);
            return written == ErrorCode.None ? (ErrorCode.None, meta.ProducerId, meta.ProducerEpoch) : (written, -1, -1);
        }
        finally { meta.Gate.Release(); }
    }

    /// <summary>AddPartitionsToTxn (and AddOffsetsToTxn, with the group's offsets partition): the transaction now spans these partitions.</summary>
    public async Task<Dictionary<(string Topic, int Partition), ErrorCode>> AddPartitionsAsync(string transactionalId, long producerId, short producerEpoch,
        IReadOnlyList<(string Topic, int Partition)> partitions, bool fencedCode, CancellationToken cancellation)
    {
        Dictionary<(string, int), ErrorCode> All(ErrorCode e) => partitions.Distinct().ToDictionary(p => p, _ => e);
        if (CoordinatorError(transactionalId) is var notHere and not ErrorCode.None) return All(notHere);
        var unknown = partitions.Where(p => _broker.Logs.GetTopic(p.Topic) is not { } t || p.Partition < 0 || p.Partition >= t.Partitions.Length).ToHashSet();
        if (unknown.Count > 0)
            return partitions.Distinct().ToDictionary(p => p, p => unknown.Contains(p) ? ErrorCode.UnknownTopicOrPartition : ErrorCode.OperationNotAttempted);
        if (!_transactions.TryGetValue(transactionalId, out var meta)) return All(ErrorCode.InvalidProducerIdMapping);
        await meta.Gate.WaitAsync(cancellation);
        try
        {
            if (ProducerError(meta, producerId, producerEpoch, fencedCode) is var error and not ErrorCode.None) return All(error);
            if (meta.IsPreparing) return All(ErrorCode.ConcurrentTransactions);
            if (meta.State == TransactionState.Ongoing && partitions.All(meta.Partitions.Contains)) return All(ErrorCode.None);
            if (meta.State != TransactionState.Ongoing)
            {
                meta.Partitions = new();
                meta.StartTimestampMs = NowMs;
            }
            meta.State = TransactionState.Ongoing;
            foreach (var p in partitions) meta.Partitions.Add(p);
            return All(await PersistAsync(meta, cancellation));
        }
        finally { meta.Gate.Release(); }
    }

    /// <summary>EndTxn: writes PrepareCommit/PrepareAbort, the markers, then CompleteCommit/CompleteAbort.</summary>
    public async Task<ErrorCode> EndTxnAsync(string transactionalId, long producerId, short producerEpoch, bool commit, bool fencedCode, CancellationToken cancellation)
    {
        if (CoordinatorError(transactionalId) is var notHere and not ErrorCode.None) return notHere;
        if (!_transactions.TryGetValue(transactionalId, out var meta)) return ErrorCode.InvalidProducerIdMapping;
        await meta.Gate.WaitAsync(cancellation);
        try
        {
            // A producer whose transaction timed out may still abort it: that abort already happened.
            if (!commit && meta.State == TransactionState.CompleteAbort && producerId == meta.ProducerId && producerEpoch == meta.LastProducerEpoch)
                return ErrorCode.None;
            if (ProducerError(meta, producerId, producerEpoch, fencedCode) is var error and not ErrorCode.None) return error;
            if (meta.IsPreparing) return ErrorCode.ConcurrentTransactions;
            return meta.State switch
            {
                TransactionState.Ongoing => await EndAsync(meta, commit, bumpEpoch: false, cancellation),
                TransactionState.CompleteCommit when commit => ErrorCode.None, // a retried EndTxn
                TransactionState.CompleteAbort when !commit => ErrorCode.None,
                TransactionState.Empty when !commit => ErrorCode.None, // nothing was added: nothing to abort
                _ => ErrorCode.InvalidTxnState,
            };
        }
        finally { meta.Gate.Release(); }
    }

    private static ErrorCode ProducerError(TransactionMetadata meta, long producerId, short producerEpoch, bool fencedCode) =>
        producerId != meta.ProducerId ? ErrorCode.InvalidProducerIdMapping
        : producerEpoch != meta.ProducerEpoch ? (fencedCode ? ErrorCode.ProducerFenced : ErrorCode.InvalidProducerEpoch)
        : ErrorCode.None;

    /// <summary>
    /// Ends the open transaction of <paramref name="meta"/> (its gate held): prepare, markers,
    /// complete. With <paramref name="bumpEpoch"/> the epoch moves on first, fencing the producer
    /// that opened it (a timeout, or a new instance of the same transactional id).
    /// </summary>
    private async Task<ErrorCode> EndAsync(TransactionMetadata meta, bool commit, bool bumpEpoch, CancellationToken cancellation)
    {
        if (bumpEpoch)
        {
            meta.LastProducerEpoch = meta.ProducerEpoch;
            meta.ProducerEpoch++;
        }
        meta.State = commit ? TransactionState.PrepareCommit : TransactionState.PrepareAbort;
        var error = await PersistAsync(meta, cancellation);
        if (error != ErrorCode.None) return error;
        // From here the outcome is decided: the markers are written whatever happens (by a successor coordinator, if this one goes).
        await _markers.WriteAsync(meta.ProducerId, meta.ProducerEpoch, commit, meta.Partitions.ToList(), _stopping.Token);
        meta.State = commit ? TransactionState.CompleteCommit : TransactionState.CompleteAbort;
        await PersistAsync(meta, cancellation);
        _logger.LogDebug("Transaction of {TransactionalId} (producer {ProducerId}, epoch {Epoch}) {Outcome} over {Partitions} partitions",
            meta.TransactionalId, meta.ProducerId, meta.ProducerEpoch, commit ? "committed" : "aborted", meta.Partitions.Count);
        return ErrorCode.None;
    }

    /// <summary>Aborts transactions open longer than their timeout (checked every second), fencing their producers.</summary>
    private async Task AbortTimedOutLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _broker.Logs.Time);
        while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
        {
            foreach (var meta in _transactions.Values)
            {
                if (meta.State != TransactionState.Ongoing || NowMs - meta.StartTimestampMs <= meta.TimeoutMs || !meta.Gate.Wait(0)) continue;
                try
                {
                    if (meta.State == TransactionState.Ongoing && NowMs - meta.StartTimestampMs > meta.TimeoutMs && CoordinatorError(meta.TransactionalId) == ErrorCode.None)
                    {
                        _logger.LogInformation("Aborting the transaction of {TransactionalId}: open for more than {Timeout} ms", meta.TransactionalId, meta.TimeoutMs);
                        await EndAsync(meta, commit: false, bumpEpoch: true, stopping);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException) { _logger.LogWarning("Aborting the timed-out transaction of {TransactionalId} failed: {Error}", meta.TransactionalId, e.Message); }
                finally { meta.Gate.Release(); }
            }
        }
    }

    /// <summary>The transactional ids this node coordinates, as DescribeTransactions / ListTransactions report them.</summary>
    public List<TransactionSnapshot> Snapshots() => _transactions.Values.Where(m => m.ProducerId >= 0 && CoordinatorError(m.TransactionalId) == ErrorCode.None).Select(m => m.Snapshot()).ToList();

    public TransactionSnapshot? Describe(string transactionalId) =>
        _transactions.TryGetValue(transactionalId, out var m) && m.ProducerId >= 0 ? m.Snapshot() : null;

    public void Start() => _timeouts = Task.Run(async () =>
    {
        try { await AbortTimedOutLoopAsync(_stopping.Token); }
        catch (OperationCanceledException) { }
    });

    public void Dispose()
    {
        _stopping.Cancel();
        try { _timeouts?.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _markers.Dispose();
        _stopping.Dispose();
    }
}
