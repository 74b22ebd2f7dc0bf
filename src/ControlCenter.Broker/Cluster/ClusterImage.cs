namespace ControlCenter.Broker.Cluster;

/// <summary>A node as the controller knows it: where it listens, and whether it may lead (fenced nodes may not).</summary>
public sealed record BrokerRegistration(int Id, string Host, int Port, string? Rack, bool Fenced);

/// <summary>
/// A partition's replication state as the controller decides it (KRaft's PartitionRecord):
/// replicas in preference order, the in-sync replicas, the leader (-1: offline) and its epoch.
/// <see cref="PartitionEpoch"/> moves on every change, so a stale ISR change is refused.
/// </summary>
public sealed record PartitionRegistration(int[] Replicas, int[] Isr, int Leader, int LeaderEpoch, int PartitionEpoch)
{
    public bool IsOffline => Leader < 0;
    public bool IsUnderReplicated => Isr.Length < Replicas.Length;
    public int PreferredLeader => Replicas.Length > 0 ? Replicas[0] : -1;
}

public sealed record TopicImage(string Name, Guid Id, bool IsInternal, Dictionary<string, string> Configs, PartitionRegistration[] Partitions);

/// <summary>
/// One published version of the cluster metadata (what a KRaft broker builds by replaying the
/// metadata log): every node applies images in version order.
/// </summary>
public sealed record ClusterImage(long Version, int ControllerId, IReadOnlyDictionary<int, BrokerRegistration> Brokers,
    IReadOnlyDictionary<string, TopicImage> Topics, long NextProducerIdBlock)
{
    public static readonly ClusterImage Empty = new(0, -1, new Dictionary<int, BrokerRegistration>(), new Dictionary<string, TopicImage>(StringComparer.Ordinal), 0);

    public PartitionRegistration? Partition(string topic, int partition) =>
        Topics.TryGetValue(topic, out var t) && partition >= 0 && partition < t.Partitions.Length ? t.Partitions[partition] : null;

    public IEnumerable<BrokerRegistration> LiveBrokers => Brokers.Values.Where(b => !b.Fenced).OrderBy(b => b.Id);
}
