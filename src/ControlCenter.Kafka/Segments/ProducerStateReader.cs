using ControlCenter.LogFormat.Files;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.Kafka.Segments;

/// <summary>
/// An idempotent or transactional producer a partition keeps state for: what a broker's
/// DescribeProducers answers, here rebuilt from the log itself.
/// </summary>
/// <param name="CurrentTxnStartOffset">The first offset of its open transaction, or null when none is open.</param>
public sealed record ActiveProducer(long ProducerId, short Epoch, int LastSequence, long LastTimestamp, long LastOffset, long? CurrentTxnStartOffset);

/// <summary>
/// Rebuilds a partition's producer state from batch headers, oldest segment first, as Kafka's
/// ProducerStateManager does when it loads a log without snapshots: the last epoch, sequence,
/// timestamp and offset of every producer id, and where its open transaction began (a commit or
/// abort marker closes it). Producers silent for longer than producer.id.expiration.ms are gone,
/// as on the broker, unless a transaction of theirs is still open. Librdkafka has no
/// DescribeProducers, so this is how the dashboard sees producers, wherever a log dir is readable.
/// </summary>
public static class ProducerStateReader
{
    /// <summary>Kafka's producer.id.expiration.ms default: one day.</summary>
    public static readonly TimeSpan DefaultExpiration = TimeSpan.FromDays(1);

    private sealed class State
    {
        public short Epoch;
        public int LastSequence = RecordBatchHeader.NoSequence;
        public long LastTimestamp = -1, LastOffset = -1;
        public long? TxnStart;
    }

    public static IReadOnlyList<ActiveProducer> Read(string dir, DateTimeOffset now, TimeSpan expiration)
    {
        var producers = new Dictionary<long, State>();
        var segments = new DirectoryInfo(dir).EnumerateFiles("*" + LogFileNames.LogSuffix)
            .Select(f => LogFileNames.ParseBaseOffset(f.Name)).OfType<long>().Order().ToList();
        foreach (long baseOffset in segments)
        {
            Microsoft.Win32.SafeHandles.SafeFileHandle log;
            try { log = IndexFileReader.OpenShared(LogFileNames.LogFile(dir, baseOffset)); }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { continue; } // deleted by retention meanwhile
            using (log)
            using (var cursor = new BatchCursor(log, 0, RandomAccess.GetLength(log), loadBodies: false, 64 * 1024))
                while (cursor.MoveNext()) Apply(producers, cursor.Header);
        }
        long cutoff = now.ToUnixTimeMilliseconds() - (long)expiration.TotalMilliseconds;
        return producers.Where(p => p.Value.LastTimestamp >= cutoff || p.Value.TxnStart is not null).OrderBy(p => p.Key)
            .Select(p => new ActiveProducer(p.Key, p.Value.Epoch, p.Value.LastSequence, p.Value.LastTimestamp, p.Value.LastOffset, p.Value.TxnStart))
            .ToList();
    }

    private static void Apply(Dictionary<long, State> producers, in RecordBatchHeader batch)
    {
        if (!batch.HasProducerId) return;
        if (!producers.TryGetValue(batch.ProducerId, out var state)) producers[batch.ProducerId] = state = new State();
        state.Epoch = batch.ProducerEpoch;
        state.LastOffset = batch.LastOffset;
        state.LastTimestamp = Math.Max(state.LastTimestamp, batch.MaxTimestamp);
        if (batch.IsControl)
        {
            state.TxnStart = null; // a commit or abort marker ends the transaction
            return;
        }
        if (batch.BaseSequence >= 0) state.LastSequence = batch.LastSequence;
        if (batch.IsTransactional) state.TxnStart ??= batch.BaseOffset;
    }
}
