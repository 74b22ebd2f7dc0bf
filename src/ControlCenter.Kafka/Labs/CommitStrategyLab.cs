using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Cluster;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Kafka.Labs;

/// <summary>The seed's three ways for a consumer to commit.</summary>
public enum CommitStrategy
{
    /// <summary>Commit on receipt, then process: a crash after the commit loses what was being processed, nothing is processed twice.</summary>
    AtMostOnce,
    /// <summary>Process, then commit: a crash before the commit processes the batch again, nothing is lost.</summary>
    AtLeastOnce,
    /// <summary>Read-process-write in one transaction with the consumed offsets, read back with read_committed: neither.</summary>
    ExactlyOnce,
}

/// <summary>
/// Where in the loop the consumer crashes (once, in the batch holding the chosen record). The
/// loops: at most once = receive, commit, process; at least once = receive, process, commit;
/// exactly once = receive, process and add the offsets inside a transaction, commit it.
/// </summary>
public enum CrashPoint
{
    None,
    /// <summary>The batch was received (at most once: its offsets already committed on receipt); nothing processed.</summary>
    AfterReceive,
    /// <summary>The batch's output is written; its offsets are not committed (exactly once: not yet added to the transaction).</summary>
    AfterProcessing,
    /// <summary>The commit is the next call (at most once: before anything is processed; exactly once: output and offsets in the open transaction).</summary>
    BeforeCommit,
}

public sealed record CommitLabRequest(int Records = 100, int BatchSize = 10, CrashPoint Crash = CrashPoint.AfterProcessing, int CrashAtRecord = 50);

/// <summary>One strategy's run, counted from its output topic as a read_committed consumer reads it.</summary>
public sealed record CommitLabRun(CommitStrategy Strategy, CrashPoint Crash, int Input, int Output, int Lost, int ProcessedTwice,
    string InputTopic, string OutputTopic, IReadOnlyList<string> Steps, string? Error = null);

/// <summary>
/// The commit-strategy lab: the same input (N numbered records in a fresh topic) is consumed in
/// batches and "processed" into an output topic with each strategy; the consumer crashes once at
/// the chosen point, a new one takes over from the group's committed offset and finishes, then
/// the output is read back with read_committed: inputs with no output were lost, inputs with
/// several were processed twice. Only Confluent.Kafka: it runs against any cluster.
/// </summary>
public sealed class CommitStrategyLab(ClusterConnection connection, ILogger<CommitStrategyLab> logger)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public async Task<IReadOnlyList<CommitLabRun>> RunAllAsync(CommitLabRequest request, IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        var runs = new List<CommitLabRun>();
        foreach (var strategy in Enum.GetValues<CommitStrategy>()) runs.Add(await RunAsync(strategy, request, progress, cancellation));
        return runs;
    }

    public async Task<CommitLabRun> RunAsync(CommitStrategy strategy, CommitLabRequest request, IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        var steps = new List<string>();
        void Step(string text) { steps.Add(text); progress?.Report($"{Name(strategy)}: {text}"); }
        string run = $"{Name(strategy)}-{Guid.NewGuid().ToString("N")[..6]}";
        string input = $"commit-lab-{run}-in", output = $"commit-lab-{run}-out", group = $"commit-lab-{run}";
        if (request.Records is < 1 or > 100_000 || request.BatchSize is < 1 or > 1000)
            return new CommitLabRun(strategy, request.Crash, 0, 0, 0, 0, input, output, steps, "Use 1–100,000 records in batches of 1–1,000.");
        try
        {
            await CreateTopicsAsync(input, output);
            await WriteInputAsync(input, request.Records, cancellation);
            Step($"Wrote {request.Records} records to {input}.");
            bool crashed = await Task.Run(() => Consume(strategy, request, input, output, group, crash: request.Crash, Step), cancellation);
            if (crashed)
            {
                Step("A new consumer starts from the group's committed offset.");
                await Task.Run(() => Consume(strategy, request, input, output, group, crash: CrashPoint.None, Step), cancellation);
            }
            var counts = await Task.Run(() => CountOutput(output, request.Records), cancellation);
            int lost = Enumerable.Range(0, request.Records).Count(i => !counts.ContainsKey(i));
            int twice = counts.Count(c => c.Value > 1);
            Step($"Read {output} with read_committed: {counts.Values.Sum()} outputs, {lost} inputs lost, {twice} processed twice.");
            logger.LogInformation("Commit lab {Strategy} crash={Crash}: input={Input} output={Output} lost={Lost} twice={Twice}", strategy, request.Crash, request.Records, counts.Values.Sum(), lost, twice);
            return new CommitLabRun(strategy, request.Crash, request.Records, counts.Values.Sum(), lost, twice, input, output, steps);
        }
        catch (KafkaException e)
        {
            logger.LogWarning("Commit lab {Strategy} stopped: {Error}", strategy, e.Error.Reason);
            return new CommitLabRun(strategy, request.Crash, request.Records, 0, 0, 0, input, output, steps, $"The cluster did not answer: {e.Error.Reason}");
        }
    }

    public static string Name(CommitStrategy strategy) => strategy switch
    {
        CommitStrategy.AtMostOnce => "at-most-once",
        CommitStrategy.AtLeastOnce => "at-least-once",
        _ => "exactly-once",
    };

    private async Task CreateTopicsAsync(params string[] topics)
    {
        using var admin = connection.CreateAdmin("commit-lab");
        // The cluster's default replication factor (-1), one partition: the order of records is the order of the lesson.
        await admin.CreateTopicsAsync(topics.Select(t => new TopicSpecification { Name = t, NumPartitions = 1, ReplicationFactor = -1 })).OffPollThread();
    }

    private async Task WriteInputAsync(string topic, int records, CancellationToken cancellation)
    {
        using var producer = connection.CreateProducer<string, string>("commit-lab-input", c => c.Acks = Acks.All);
        for (int i = 0; i < records; i++)
            producer.Produce(topic, new Message<string, string> { Key = Id(i), Value = $"input {i}" });
        await Task.Run(() => producer.Flush(Patience), cancellation);
    }

    private static string Id(int i) => i.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// One consumer's life: from the group's committed offset to the end of the input, batch by
    /// batch in the strategy's order; true when it crashed (stopped without another call, as a
    /// killed process would: no commit, no abort, no leaving the group cleanly).
    /// </summary>
    private bool Consume(CommitStrategy strategy, CommitLabRequest request, string input, string output, string group, CrashPoint crash, Action<string> step)
    {
        bool exactlyOnce = strategy == CommitStrategy.ExactlyOnce;
        var consumer = connection.CreateConsumer<string, string>("commit-lab", group, c => c.IsolationLevel = IsolationLevel.ReadCommitted);
        var producer = connection.CreateProducer<string, string>("commit-lab-output", c =>
        {
            c.Acks = Acks.All;
            if (exactlyOnce) c.TransactionalId = $"{group}-processor"; // the same id after a restart: the new instance fences the crashed one
        });
        try
        {
            var tp = new TopicPartition(input, 0);
            // First fence the crashed instance: that aborts its open transaction and drops the offsets it had sent, which
            // until then make the group's offset unstable (a read_committed consumer is not told an offset that may still change).
            if (exactlyOnce) producer.InitTransactions(Patience);
            var committed = consumer.Committed([tp], Patience).Single().Offset;
            consumer.Assign(new TopicPartitionOffset(tp, committed == Offset.Unset ? Offset.Beginning : committed));
            step(committed == Offset.Unset ? "Consumer starts at the beginning." : $"Consumer starts at committed offset {committed.Value}.");
            long end = consumer.QueryWatermarkOffsets(tp, Patience).High.Value;
            long next = committed == Offset.Unset ? 0 : committed.Value;
            while (next < end)
            {
                var batch = Receive(consumer, request.BatchSize, end);
                if (batch.Count == 0) throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"No record arrived from {input} at offset {next}"));
                next = batch[^1].Offset.Value + 1;
                var offsets = new[] { new TopicPartitionOffset(tp, next) };
                bool crashHere = crash != CrashPoint.None && batch.Any(r => int.Parse(r.Message.Key, CultureInfo.InvariantCulture) == request.CrashAtRecord);
                string range = $"{batch[0].Message.Key}–{batch[^1].Message.Key}";

                if (strategy == CommitStrategy.AtMostOnce)
                {
                    if (crashHere && crash == CrashPoint.BeforeCommit) return Crash(step, $"right before committing records {range} on receipt");
                    consumer.Commit(offsets); // on receipt, before any processing
                }
                if (crashHere && crash == CrashPoint.AfterReceive) return Crash(step, $"after receiving records {range}" + (strategy == CommitStrategy.AtMostOnce ? " (their offsets already committed)" : ""));

                if (exactlyOnce) producer.BeginTransaction();
                foreach (var r in batch) producer.Produce(output, new Message<string, string> { Key = r.Message.Key, Value = $"processed {r.Message.Key}" });
                if (!exactlyOnce) producer.Flush(Patience);
                if (crashHere && crash == CrashPoint.AfterProcessing) return Crash(step, $"after processing records {range}");

                if (exactlyOnce) producer.SendOffsetsToTransaction(offsets, consumer.ConsumerGroupMetadata, Patience);
                if (crashHere && crash == CrashPoint.BeforeCommit && strategy != CommitStrategy.AtMostOnce) return Crash(step, $"right before committing records {range}");
                if (exactlyOnce) producer.CommitTransaction(Patience);
                else if (strategy == CommitStrategy.AtLeastOnce) consumer.Commit(offsets);
            }
            step($"Consumer reached the end of {input} (offset {end}).");
            return false;
        }
        finally
        {
            // A crash leaves no trace beyond what was already sent: the clients are dropped without committing or aborting.
            consumer.Dispose();
            producer.Dispose();
        }
    }

    private static bool Crash(Action<string> step, string where)
    {
        step($"Crashed {where}.");
        return true;
    }

    private static List<ConsumeResult<string, string>> Receive(IConsumer<string, string> consumer, int batchSize, long end)
    {
        var batch = new List<ConsumeResult<string, string>>();
        var deadline = DateTime.UtcNow + Patience;
        while (batch.Count < batchSize && DateTime.UtcNow < deadline && (batch.Count == 0 || batch[^1].Offset.Value + 1 < end))
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(batch.Count == 0 ? 1000 : 100));
            if (r is not null && !r.IsPartitionEOF) batch.Add(r);
        }
        return batch;
    }

    /// <summary>How many outputs each input produced, as a read_committed consumer of the output topic sees them.</summary>
    private Dictionary<int, int> CountOutput(string output, int records)
    {
        using var consumer = connection.CreateConsumer<string, string>("commit-lab-reader", $"{output}-reader", c =>
        {
            c.IsolationLevel = IsolationLevel.ReadCommitted;
            c.EnablePartitionEof = true;
        });
        consumer.Assign(new TopicPartitionOffset(output, 0, Offset.Beginning));
        var counts = new Dictionary<int, int>();
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (r is null) continue;
            if (r.IsPartitionEOF) break;
            if (int.TryParse(r.Message.Key, NumberStyles.None, CultureInfo.InvariantCulture, out int id) && id < records)
                counts[id] = counts.GetValueOrDefault(id) + 1;
        }
        return counts;
    }
}
