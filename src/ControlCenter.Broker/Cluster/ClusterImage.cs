namespace ControlCenter.Broker.Cluster;

/// <summary>A node as the controller knows it: where it listens, and whether it may lead (fenced nodes may not).</summary>
public sealed record BrokerRegistration(int Id, string Host, int Port, string? Rack, bool Fenced);

/// <summary>
/// A partition's replication state as the controller decides it (KRaft's PartitionRecord):
/// replicas in preference order, the in-sync replicas, the leader (-1: offline) and its epoch.
/// <see cref="PartitionEpoch"/> moves on every change, so a stale ISR change is refused.
/// </summary>
/// <remarks>
/// While a reassignment runs (KIP-455), <see cref="Replicas"/> holds the target replicas followed
/// by the ones being removed; <see cref="AddingReplicas"/> copy the data as followers and the
/// move completes once every target replica is in the ISR.
/// </remarks>
public sealed record PartitionRegistration(int[] Replicas, int[] Isr, int Leader, int LeaderEpoch, int PartitionEpoch,
    int[]? AddingReplicas = null, int[]? RemovingReplicas = null)
{
    public bool IsOffline => Leader < 0;
    public bool IsUnderReplicated => Isr.Length < TargetReplicas.Length;
    public int PreferredLeader => Replicas.Length > 0 ? Replicas[0] : -1;
    public bool IsReassigning => AddingReplicas is { Length: > 0 } || RemovingReplicas is { Length: > 0 };
    /// <summary>The replicas once the running reassignment is done (the replicas when none runs).</summary>
    public int[] TargetReplicas => RemovingReplicas is { Length: > 0 } removing ? Replicas.Except(removing).ToArray() : Replicas;
    /// <summary>The replicas before the running reassignment started (what a cancel goes back to).</summary>
    public int[] OriginalReplicas => AddingReplicas is { Length: > 0 } adding ? Replicas.Except(adding).ToArray() : Replicas;
}

public sealed record TopicImage(string Name, Guid Id, bool IsInternal, Dictionary<string, string> Configs, PartitionRegistration[] Partitions);

/// <summary>
/// One published version of the cluster metadata (what a KRaft broker builds by replaying the
/// metadata log): every node applies images in version order.
/// </summary>
/// <remarks><see cref="BrokerConfigs"/>: dynamic broker configs by resource name (a node id, or "" for the cluster-wide default).</remarks>
public sealed record ClusterImage(long Version, int ControllerId, IReadOnlyDictionary<int, BrokerRegistration> Brokers,
    IReadOnlyDictionary<string, TopicImage> Topics, long NextProducerIdBlock, IReadOnlyDictionary<string, Dictionary<string, string>>? BrokerConfigs = null)
{
    public IReadOnlyDictionary<string, string>? BrokerConfigsOf(string resource) => BrokerConfigs?.GetValueOrDefault(resource);

    public static readonly ClusterImage Empty = new(0, -1, new Dictionary<int, BrokerRegistration>(), new Dictionary<string, TopicImage>(StringComparer.Ordinal), 0);

    public PartitionRegistration? Partition(string topic, int partition) =>
        Topics.TryGetValue(topic, out var t) && partition >= 0 && partition < t.Partitions.Length ? t.Partitions[partition] : null;

    public IEnumerable<BrokerRegistration> LiveBrokers => Brokers.Values.Where(b => !b.Fenced).OrderBy(b => b.Id);
}
