using ControlCenter.Kafka.Topics;

namespace ControlCenter.Web.Hosting;

/// <summary>Leader epochs and follower positions read from the embedded cluster's nodes in this process.</summary>
public sealed class EmbeddedReplicationDetails(EmbeddedBrokerService embedded) : IReplicationDetails
{
    public bool IsAvailable => embedded.Cluster is not null;

    public PartitionReplication? Describe(string topic, int partition) =>
        embedded.Cluster?.Replication(topic, partition) is { } r
            ? new PartitionReplication(r.LeaderEpoch, r.Replicas.Select(x => new ReplicaPosition(x.Node, x.LogEndOffset)).ToList())
            : null;
}
