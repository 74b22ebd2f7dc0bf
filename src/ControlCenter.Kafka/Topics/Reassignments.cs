using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Cluster;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Kafka.Topics;

/// <summary>A running move of one partition (KIP-455): its replicas (target first), the ones being added and the ones being removed.</summary>
public sealed record PartitionReassignment(int Partition, IReadOnlyList<int> Replicas, IReadOnlyList<int> Adding, IReadOnlyList<int> Removing);

/// <summary>
/// AlterPartitionReassignments and ListPartitionReassignments. librdkafka (so Confluent.Kafka 2.16)
/// has no API for them, so the app sends these two requests itself; <see cref="Unavailable"/> says
/// why it cannot on this cluster (null when it can).
/// </summary>
public interface IReassignmentApi
{
    string? Unavailable { get; }
    /// <summary>Starts (a target list) or cancels (null) moves; returns each partition's error, null when accepted.</summary>
    Task<IReadOnlyDictionary<int, string?>> AlterAsync(string topic, IReadOnlyDictionary<int, IReadOnlyList<int>?> targets, CancellationToken cancellation);
    Task<IReadOnlyList<PartitionReassignment>> ListAsync(string topic, CancellationToken cancellation);
}

/// <summary>Without the app's own request path (tests of other parts): reassignment is not offered.</summary>
public sealed class NoReassignmentApi : IReassignmentApi
{
    public string? Unavailable => "Partition reassignment is not available in this host";
    public Task<IReadOnlyDictionary<int, string?>> AlterAsync(string topic, IReadOnlyDictionary<int, IReadOnlyList<int>?> targets, CancellationToken cancellation) =>
        Task.FromException<IReadOnlyDictionary<int, string?>>(new InvalidOperationException(Unavailable));
    public Task<IReadOnlyList<PartitionReassignment>> ListAsync(string topic, CancellationToken cancellation) =>
        Task.FromResult<IReadOnlyList<PartitionReassignment>>([]);
}

/// <summary>
/// Moving partitions between brokers, as kafka-reassign-partitions.sh does: an optional
/// replication throttle (the rate on every broker involved, the moving replicas named in the
/// topic's throttled-replica lists), the move itself, its progress, cancelling, and removing the
/// throttle once nothing moves any more (a forgotten throttle slows every later catch-up).
/// </summary>
public sealed class ReassignmentService(IReassignmentApi api, ClusterAdmin admin, IClusterState cluster, ILogger<ReassignmentService> logger)
{
    public const string LeaderRate = "leader.replication.throttled.rate", FollowerRate = "follower.replication.throttled.rate";
    public const string LeaderReplicas = "leader.replication.throttled.replicas", FollowerReplicas = "follower.replication.throttled.replicas";

    public string? Unavailable => api.Unavailable;

    public async Task<IReadOnlyList<PartitionReassignment>> ListAsync(string topic)
    {
        if (api.Unavailable is not null) return [];
        try { return await api.ListAsync(topic, CancellationToken.None); }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidDataException)
        {
            throw new ClusterException($"Could not list reassignments: {e.Message}", inner: e);
        }
    }

    /// <summary>Checks a target against the brokers the cluster has; null when it is acceptable.</summary>
    public static string? Validate(IReadOnlyList<int> target, IEnumerable<int> brokers)
    {
        if (target.Count == 0) return "Name at least one broker.";
        if (target.Distinct().Count() != target.Count) return "A broker is named twice.";
        var known = brokers.ToHashSet();
        return target.FirstOrDefault(b => !known.Contains(b), -1) is var unknown and >= 0 ? $"Broker {unknown} is not in the cluster." : null;
    }

    /// <summary>Moves a partition to <paramref name="target"/> (first = preferred leader), throttled when a rate is given.</summary>
    public async Task<AdminResult> MoveAsync(string topic, int partition, IReadOnlyList<int> target, long? throttleBytesPerSecond)
    {
        if (api.Unavailable is { } why) return AdminResult.Failed(why);
        var snapshot = cluster.Snapshot?.Topics.GetValueOrDefault(topic)?.Partitions.FirstOrDefault(p => p.Partition == partition);
        if (snapshot is null) return AdminResult.Failed($"Partition {partition} of {topic} is not known");
        if (Validate(target, cluster.Snapshot!.Overview.Brokers.Select(b => b.Id)) is { } invalid) return AdminResult.Failed(invalid);
        if (throttleBytesPerSecond is { } rate)
        {
            if (rate <= 0) return AdminResult.Failed("The throttle must be a positive rate.");
            var adding = target.Except(snapshot.Replicas).ToList();
            var throttled = await ThrottleAsync(topic, partition, snapshot.Replicas, adding, rate);
            if (!throttled.Succeeded) return throttled;
        }
        var result = await AlterAsync(topic, partition, target);
        if (result.Succeeded)
        {
            logger.LogInformation("Reassigning {Topic}-{Partition}: [{From}] -> [{To}]{Throttle}", topic, partition, string.Join(",", snapshot.Replicas),
                string.Join(",", target), throttleBytesPerSecond is { } r ? $" throttled at {r} B/s" : "");
            if (throttleBytesPerSecond is not null) WatchThrottle(topic);
        }
        else if (throttleBytesPerSecond is not null) await ClearThrottleAsync(topic); // nothing moves: the throttle set above must not stay
        return result;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task> _throttleWatchers = new(StringComparer.Ordinal);

    /// <summary>Removes a topic's throttle once none of its partitions moves any more, whether or not a page is open.</summary>
    private void WatchThrottle(string topic) => _throttleWatchers.GetOrAdd(topic, t => Task.Run(async () =>
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                IReadOnlyList<PartitionReassignment> running;
                try { running = await api.ListAsync(t, CancellationToken.None); }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidDataException or OperationCanceledException or ClusterException) { continue; }
                if (running.Count > 0) continue;
                var cleared = await ClearThrottleAsync(t);
                if (cleared.Succeeded) return;
                logger.LogWarning("The replication throttle of {Topic} is still set: {Error}", t, cleared.Error);
            }
        }
        finally { _throttleWatchers.TryRemove(t, out _); }
    }));

    public async Task<AdminResult> CancelAsync(string topic, int partition)
    {
        if (api.Unavailable is { } why) return AdminResult.Failed(why);
        var result = await AlterAsync(topic, partition, null);
        if (result.Succeeded) logger.LogInformation("Cancelled the reassignment of {Topic}-{Partition}", topic, partition);
        return result;
    }

    private async Task<AdminResult> AlterAsync(string topic, int partition, IReadOnlyList<int>? target)
    {
        try
        {
            var errors = await api.AlterAsync(topic, new Dictionary<int, IReadOnlyList<int>?> { [partition] = target }, CancellationToken.None);
            cluster.RequestRefresh();
            return errors.GetValueOrDefault(partition) is { } error ? AdminResult.Failed(error) : AdminResult.Ok;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidDataException or OperationCanceledException)
        {
            return AdminResult.Failed($"The cluster did not answer: {e.Message}");
        }
    }

    /// <summary>The throttle as the topic's configs name it: which replicas are throttled on each side (empty when none).</summary>
    public async Task<(string Leader, string Follower)> ThrottledReplicasAsync(string topic)
    {
        if (api.Unavailable is not null) return ("", ""); // throttles are set here only along with a move
        var described = await admin.Client.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = topic }],
            new DescribeConfigsOptions { RequestTimeout = admin.Timeout }).OffPollThread();
        var entries = described[0].Entries;
        return (entries.GetValueOrDefault(LeaderReplicas)?.Value ?? "", entries.GetValueOrDefault(FollowerReplicas)?.Value ?? "");
    }

    /// <summary>Kafka's tool does the same: the rate on every broker involved, current replicas throttled as leaders, new ones as followers.</summary>
    private async Task<AdminResult> ThrottleAsync(string topic, int partition, IReadOnlyList<int> current, IReadOnlyList<int> adding, long rate)
    {
        string value = rate.ToString(CultureInfo.InvariantCulture);
        var changes = new Dictionary<ConfigResource, List<ConfigEntry>>();
        foreach (int broker in current.Concat(adding).Distinct())
            changes[new ConfigResource { Type = ResourceType.Broker, Name = broker.ToString(CultureInfo.InvariantCulture) }] =
                [Entry(LeaderRate, value, AlterConfigOpType.Set), Entry(FollowerRate, value, AlterConfigOpType.Set)];
        changes[new ConfigResource { Type = ResourceType.Topic, Name = topic }] =
        [
            Entry(LeaderReplicas, string.Join(",", current.Select(b => $"{partition}:{b}")), AlterConfigOpType.Append),
            Entry(FollowerReplicas, string.Join(",", adding.Select(b => $"{partition}:{b}")), AlterConfigOpType.Append),
        ];
        return await AlterConfigsAsync(changes, "set the replication throttle");
    }

    /// <summary>Removes the throttle: the topic's throttled-replica lists and the rates on every broker.</summary>
    public async Task<AdminResult> ClearThrottleAsync(string topic)
    {
        var changes = new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [new ConfigResource { Type = ResourceType.Topic, Name = topic }] = [Entry(LeaderReplicas, null, AlterConfigOpType.Delete), Entry(FollowerReplicas, null, AlterConfigOpType.Delete)],
        };
        foreach (var broker in cluster.Snapshot?.Overview.Brokers.Where(b => b.IsOnline) ?? [])
            changes[new ConfigResource { Type = ResourceType.Broker, Name = broker.Id.ToString(CultureInfo.InvariantCulture) }] =
                [Entry(LeaderRate, null, AlterConfigOpType.Delete), Entry(FollowerRate, null, AlterConfigOpType.Delete)];
        var result = await AlterConfigsAsync(changes, "remove the replication throttle");
        if (result.Succeeded) logger.LogInformation("Removed the replication throttle of {Topic}", topic);
        return result;
    }

    private static ConfigEntry Entry(string name, string? value, AlterConfigOpType op) => new() { Name = name, Value = value, IncrementalOperation = op };

    /// <summary>One call per broker resource (librdkafka sends each to its own broker and takes one per call), the rest in one.</summary>
    private async Task<AdminResult> AlterConfigsAsync(Dictionary<ConfigResource, List<ConfigEntry>> changes, string what)
    {
        try
        {
            var options = new IncrementalAlterConfigsOptions { RequestTimeout = admin.Timeout };
            foreach (var (resource, entries) in changes.Where(c => c.Key.Type == ResourceType.Broker))
                await admin.Client.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>> { [resource] = entries }, options).OffPollThread();
            var others = changes.Where(c => c.Key.Type != ResourceType.Broker).ToDictionary();
            if (others.Count > 0) await admin.Client.IncrementalAlterConfigsAsync(others, options).OffPollThread();
            return AdminResult.Ok;
        }
        catch (IncrementalAlterConfigsException e)
        {
            var failed = e.Results.First(r => r.Error.IsError);
            return AdminResult.Failed($"Could not {what} ({failed.ConfigResource.Type} {failed.ConfigResource.Name}): {failed.Error.Reason}");
        }
        catch (KafkaException e) { return AdminResult.Failed($"Could not {what}: {e.Error.Reason}"); }
    }
}

/// <summary>One replica's log end, as the node holding it has it (-1: the node is down).</summary>
public sealed record ReplicaPosition(int Broker, long LogEndOffset);

/// <summary>A partition's leader epoch and where each replica's log ends.</summary>
public sealed record PartitionReplication(int LeaderEpoch, IReadOnlyList<ReplicaPosition> Replicas)
{
    /// <summary>Records each follower is behind the leader's log end (null when the leader's is not known).</summary>
    public IReadOnlyDictionary<int, long> FollowerLag(int leader) =>
        Replicas.FirstOrDefault(r => r.Broker == leader) is { LogEndOffset: >= 0 } l
            ? Replicas.Where(r => r.Broker != leader).ToDictionary(r => r.Broker, r => r.LogEndOffset < 0 ? -1 : Math.Max(0, l.LogEndOffset - r.LogEndOffset))
            : new Dictionary<int, long>();
}

/// <summary>
/// Leader epochs and follower positions. Kafka exposes follower positions to no client API
/// (only as broker JMX metrics), so only the embedded cluster, which the app runs, offers them.
/// </summary>
public interface IReplicationDetails
{
    bool IsAvailable { get; }
    PartitionReplication? Describe(string topic, int partition);
}

public sealed class NoReplicationDetails : IReplicationDetails
{
    public bool IsAvailable => false;
    public PartitionReplication? Describe(string topic, int partition) => null;
}
