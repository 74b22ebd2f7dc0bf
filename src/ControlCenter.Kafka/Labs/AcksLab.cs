using Confluent.Kafka;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Messages;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Kafka.Labs;

/// <summary>What goes wrong while the lab produces.</summary>
public enum LabFault
{
    /// <summary>Nothing: the baseline.</summary>
    None,
    /// <summary>The leader is killed as soon as the last record is acknowledged.</summary>
    LeaderKilledAfterAck,
    /// <summary>
    /// The followers stop copying first (still in the ISR, as followers that merely fell behind), then
    /// the leader is killed after acknowledging and the followers copy again: one of them leads without the records.
    /// </summary>
    FollowersBehindThenLeaderKilled,
}

public sealed record AcksLabRequest(string Topic, int Partition, int Records, AcksSetting Acks, LabFault Fault, int MessageTimeoutMs = 10_000);

/// <summary>
/// One run: how many records were sent, acknowledged to the producer, and found afterwards;
/// <see cref="AcknowledgedLost"/> is the lesson (acknowledged, yet gone). Steps say what happened when.
/// </summary>
public sealed record AcksLabResult(int Sent, int Acknowledged, int Survived, int AcknowledgedLost, int UnacknowledgedSurvived,
    int OldLeader, int NewLeader, IReadOnlyList<string> Steps, string? Error = null);

/// <summary>
/// The seed's acks section as an experiment: produce N records with acks 0, 1 or all while a
/// chosen fault happens, bring the cluster back, then read the partition and count which
/// acknowledged records survived. Produce and read go through Confluent.Kafka like any client;
/// only the faults need the embedded cluster.
/// </summary>
public sealed class AcksLab(ClusterConnection connection, IClusterFaults faults, IClusterState cluster, ILogger<AcksLab> logger)
{
    private static readonly TimeSpan LeaderWait = TimeSpan.FromSeconds(60);

    public async Task<AcksLabResult> RunAsync(AcksLabRequest request, IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        var steps = new List<string>();
        try { return await RunCoreAsync(request, steps, progress, cancellation); }
        catch (KafkaException e)
        {
            logger.LogWarning("Acks lab on {Topic}-{Partition} stopped: {Error}", request.Topic, request.Partition, e.Error.Reason);
            return new AcksLabResult(0, 0, 0, 0, 0, -1, -1, steps, $"The cluster did not answer: {e.Error.Reason}");
        }
    }

    private async Task<AcksLabResult> RunCoreAsync(AcksLabRequest request, List<string> steps, IProgress<string>? progress, CancellationToken cancellation)
    {
        void Step(string text) { steps.Add(text); progress?.Report(text); }
        if (!faults.IsAvailable) return Failed("The acks lab needs the embedded cluster with several nodes (EmbeddedBroker:Nodes 2-9).");
        if (request.Records is < 1 or > 100_000) return Failed("Send between 1 and 100,000 records.");

        using var admin = connection.CreateAdmin("acks-lab");
        // An experiment starts from a healthy partition: a leader and every replica in sync (a previous run's restarted node catching up).
        await WaitForPartitionAsync(admin, request, p => p.Leader >= 0 && p.InSyncReplicas.Length == p.Replicas.Length, LeaderWait, cancellation);
        var partition = Partition(admin, request);
        if (partition is null) return Failed($"{request.Topic}-{request.Partition} does not exist.");
        if (partition.Replicas.Length < 2) return Failed($"{request.Topic} has replication factor 1: there is no follower to lose or keep the records. Use a topic with 2 or more replicas.");
        if (partition.Leader < 0) return Failed($"{request.Topic}-{request.Partition} has no leader right now.");
        if (partition.InSyncReplicas.Length < partition.Replicas.Length)
            return Failed($"{request.Topic}-{request.Partition} is under-replicated (in sync: {string.Join(", ", partition.InSyncReplicas)} of {string.Join(", ", partition.Replicas)}): start from a healthy partition.");
        int leader = partition.Leader;
        var followers = partition.Replicas.Where(r => r != leader).ToList();
        long start;
        using (var reader = connection.CreateConsumer<Ignore, string>("acks-lab", "acks-lab-reader")) start = await EndOffsetAsync(request, reader, cancellation);
        Step($"Leader is broker {leader}, followers {string.Join(", ", followers)}; the partition ends at offset {start}.");

        // Group reads wait out each fault and what follows it (see ClusterMonitor.FailoverQuietPeriod).
        Task QuietAsync(TimeSpan extra) => cluster.PauseGroupReadsAsync(ClusterMonitor.FailoverQuietPeriod + extra, cancellation);
        bool pausing = request.Fault == LabFault.FollowersBehindThenLeaderKilled;
        var paused = new List<int>();
        string run = Guid.NewGuid().ToString("N")[..8];
        HashSet<string> acknowledged;
        long lastOffset;
        int newLeader = leader;
        try
        {
            if (pausing)
            {
                await QuietAsync(TimeSpan.FromMilliseconds(request.MessageTimeoutMs + 5000));
                foreach (var f in followers) { await faults.PauseReplicationAsync(f); paused.Add(f); }
                Step($"Followers {string.Join(", ", followers)} stopped copying from the leader; they stay in the ISR until replica.lag.time.max.ms.");
            }
            string? firstError;
            (acknowledged, firstError, lastOffset) = await ProduceAsync(request, run, cancellation);
            Step($"Sent {request.Records} records with acks={Acks(request.Acks)}: {acknowledged.Count} acknowledged"
                + (firstError is null ? "." : $"; the others failed ({firstError})."));

            if (request.Fault != LabFault.None)
            {
                await QuietAsync(TimeSpan.FromSeconds(20));
                await faults.KillAsync(leader);
                Step($"Killed the leader, broker {leader}, right after the acknowledgements.");
            }
        }
        finally
        {
            // Followers copy again whatever happened: a lab that failed half-way must not leave them behind for good.
            foreach (var f in paused) await faults.ResumeReplicationAsync(f);
            if (paused.Count > 0) Step($"Followers {string.Join(", ", paused)} copy again.");
        }

        if (request.Fault != LabFault.None)
        {
            newLeader = await WaitForLeaderAsync(admin, request, l => l >= 0 && l != leader, TimeSpan.FromSeconds(20), cancellation);
            Step(newLeader >= 0 ? $"Broker {newLeader} was elected leader." : "No replica could take over: the partition was offline.");
            await QuietAsync(TimeSpan.Zero);
            await faults.StartAsync(leader);
            Step($"Restarted broker {leader}: it rejoins as a follower and drops what the new leader does not have.");
            if (newLeader < 0) newLeader = await WaitForLeaderAsync(admin, request, l => l >= 0, LeaderWait, cancellation);
            bool healed = await WaitForPartitionAsync(admin, request, p => p.Leader >= 0 && p.InSyncReplicas.Length == p.Replicas.Length, LeaderWait, cancellation);
            Step(healed ? $"Broker {leader} is back in sync." : $"Broker {leader} has not caught up yet: the partition is still under-replicated.");
        }

        // A new leader's high watermark moves only once its followers have fetched from it: read once it covers what was acknowledged, or has settled.
        await WaitForHighWatermarkAsync(request, lastOffset + 1, cancellation);
        var found = await ReadBackAsync(request, run, start, cancellation);
        int survived = acknowledged.Count(found.Contains);
        var result = new AcksLabResult(request.Records, acknowledged.Count, survived, acknowledged.Count - survived,
            found.Count(v => !acknowledged.Contains(v)), leader, newLeader, steps);
        Step($"Read back: {survived} of {acknowledged.Count} acknowledged records survived; {result.AcknowledgedLost} acknowledged records were lost.");
        logger.LogInformation("Acks lab on {Topic}-{Partition}: acks={Acks} fault={Fault} sent={Sent} acknowledged={Acked} lost={Lost}",
            request.Topic, request.Partition, Acks(request.Acks), request.Fault, request.Records, acknowledged.Count, result.AcknowledgedLost);
        return result;

        AcksLabResult Failed(string error) => new(0, 0, 0, 0, 0, -1, -1, steps, error);
    }

    private static string Acks(AcksSetting acks) => acks == AcksSetting.All ? "all" : ((int)acks).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static PartitionMetadata? Partition(IAdminClient admin, AcksLabRequest request) =>
        admin.GetMetadata(request.Topic, TimeSpan.FromSeconds(10)).Topics.SingleOrDefault(t => t.Error.Code == ErrorCode.NoError)?
            .Partitions.SingleOrDefault(p => p.PartitionId == request.Partition);

    private static async Task<long> EndOffsetAsync(AcksLabRequest request, IConsumer<Ignore, string> consumer, CancellationToken cancellation) =>
        await HighWatermarkAsync(consumer, new TopicPartition(request.Topic, request.Partition), cancellation);

    /// <summary>
    /// The partition's high watermark, asked again while the cluster does not answer in time (right
    /// after a failover, on a loaded machine): a minute, then the lab reports the cluster as down.
    /// </summary>
    private static async Task<long> HighWatermarkAsync(IConsumer<Ignore, string> consumer, TopicPartition tp, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + LeaderWait;
        while (true)
        {
            try { return consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value; }
            catch (KafkaException) when (DateTime.UtcNow < deadline) { await Task.Delay(500, cancellation); }
        }
    }

    /// <summary>Produces every record and returns the values the producer got an acknowledgement for, and the first failure.</summary>
    private async Task<(HashSet<string> Acknowledged, string? FirstError, long LastOffset)> ProduceAsync(AcksLabRequest request, string run, CancellationToken cancellation)
    {
        using var producer = connection.CreateProducer<Null, string>("acks-lab", c =>
        {
            c.Acks = request.Acks switch { AcksSetting.None => Confluent.Kafka.Acks.None, AcksSetting.Leader => Confluent.Kafka.Acks.Leader, _ => Confluent.Kafka.Acks.All };
            c.EnableIdempotence = false; // the three settings compared on equal terms
            c.MessageTimeoutMs = request.MessageTimeoutMs;
            c.LingerMs = 5;
        });
        var acknowledged = new HashSet<string>();
        string? firstError = null;
        long lastOffset = -1;
        var target = new TopicPartition(request.Topic, request.Partition);
        for (int i = 0; i < request.Records; i++)
        {
            string value = $"acks-lab-{run}-{i}";
            producer.Produce(target, new Message<Null, string> { Value = value }, report =>
            {
                lock (acknowledged)
                {
                    if (!report.Error.IsError)
                    {
                        acknowledged.Add(value);
                        lastOffset = Math.Max(lastOffset, report.Offset.Value);
                    }
                    else firstError ??= $"{report.Error.Code}: {report.Error.Reason}";
                }
            });
        }
        await Task.Run(() => producer.Flush(TimeSpan.FromMilliseconds(request.MessageTimeoutMs + 5000)), cancellation);
        lock (acknowledged) return (acknowledged.ToHashSet(), firstError, lastOffset);
    }

    private static async Task<int> WaitForLeaderAsync(IAdminClient admin, AcksLabRequest request, Func<int, bool> wanted, TimeSpan timeout, CancellationToken cancellation) =>
        await WaitForPartitionAsync(admin, request, p => wanted(p.Leader), timeout, cancellation) ? Partition(admin, request)?.Leader ?? -1 : -1;

    /// <summary>Polls the partition's metadata until <paramref name="wanted"/> holds; false after the timeout.</summary>
    private static async Task<bool> WaitForPartitionAsync(IAdminClient admin, AcksLabRequest request, Func<PartitionMetadata, bool> wanted, TimeSpan timeout, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try { if (Partition(admin, request) is { } p && wanted(p)) return true; }
            catch (KafkaException) { } // a broker of the bootstrap list is down: ask again
            await Task.Delay(200, cancellation);
        }
        return false;
    }

    /// <summary>Until the high watermark reaches <paramref name="target"/>, or has not moved for two seconds (what is missing then is gone).</summary>
    private async Task WaitForHighWatermarkAsync(AcksLabRequest request, long target, CancellationToken cancellation)
    {
        using var consumer = connection.CreateConsumer<Ignore, Ignore>("acks-lab", "acks-lab-reader");
        var tp = new TopicPartition(request.Topic, request.Partition);
        var deadline = DateTime.UtcNow + LeaderWait;
        long last = -1;
        var steadySince = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline)
        {
            long hw;
            try { hw = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(5)).High.Value; }
            catch (KafkaException) { await Task.Delay(200, cancellation); continue; }
            if (hw >= target) return;
            if (hw != last) (last, steadySince) = (hw, DateTime.UtcNow);
            else if (DateTime.UtcNow - steadySince > TimeSpan.FromSeconds(2)) return;
            await Task.Delay(200, cancellation);
        }
    }

    /// <summary>The values of this run found in the partition from <paramref name="start"/> to its end now.</summary>
    private async Task<HashSet<string>> ReadBackAsync(AcksLabRequest request, string run, long start, CancellationToken cancellation)
    {
        using var consumer = connection.CreateConsumer<Ignore, string>("acks-lab", "acks-lab-reader", c => c.EnablePartitionEof = true);
        var tp = new TopicPartition(request.Topic, request.Partition);
        long end = await HighWatermarkAsync(consumer, tp, cancellation);
        var found = new HashSet<string>();
        if (end <= start) return found;
        consumer.Assign(new TopicPartitionOffset(tp, start));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string prefix = $"acks-lab-{run}-";
        while (DateTime.UtcNow < deadline && !cancellation.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result is null) continue;
            if (result.IsPartitionEOF) break;
            if (result.Message.Value?.StartsWith(prefix, StringComparison.Ordinal) == true) found.Add(result.Message.Value);
            if (result.Offset.Value + 1 >= end) break;
        }
        return found;
    }
}
