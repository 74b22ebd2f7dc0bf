using ControlCenter.Broker.Protocol;

namespace ControlCenter.Broker.Cluster;

/// <summary>A running reassignment as ListPartitionReassignments reports it.</summary>
public sealed record OngoingReassignment(string Topic, int Partition, int[] Replicas, int[] AddingReplicas, int[] RemovingReplicas);

internal sealed partial class QuorumController
{
    /// <summary>
    /// AlterPartitionReassignments for one partition (KIP-455). A target starts a move: the
    /// replicas become the target followed by the ones to remove, the new replicas are created
    /// on their nodes and copy the data by fetching from the leader like any follower, and the
    /// move completes when every target replica is in the ISR (the leader moves if it is not a
    /// target). A new target replaces a running move (from the original replicas); null cancels
    /// it, going back to the original replicas.
    /// </summary>
    public (ErrorCode Error, string? Message) AlterReassignment(string topicName, int partition, int[]? target)
    {
        lock (_lock)
        {
            var topic = _image.Topics.GetValueOrDefault(topicName);
            if (topic is null || partition < 0 || partition >= topic.Partitions.Length)
                return (ErrorCode.UnknownTopicOrPartition, $"Unknown partition {topicName}-{partition}");
            var reg = topic.Partitions[partition];
            PartitionRegistration next;
            if (target is null)
            {
                if (!reg.IsReassigning) return (ErrorCode.NoReassignmentInProgress, $"No reassignment of {topicName}-{partition} is running");
                next = Revert(reg);
                Event("reassignment", $"{topicName}-{partition}: reassignment cancelled, replicas back to [{string.Join(",", next.Replicas)}]");
            }
            else
            {
                if (target.Length == 0) return (ErrorCode.InvalidReplicaAssignment, "The target replica list is empty");
                if (target.Distinct().Count() != target.Length)
                    return (ErrorCode.InvalidReplicaAssignment, $"The target names a node twice: [{string.Join(",", target)}]");
                if (target.FirstOrDefault(r => !_image.Brokers.ContainsKey(r), -1) is var unknown and >= 0)
                    return (ErrorCode.InvalidReplicaAssignment, $"Node {unknown} is not registered in the cluster");
                var original = reg.OriginalReplicas;
                var adding = target.Except(original).ToArray();
                var removing = original.Except(target).ToArray();
                var isr = reg.Isr.Where(r => target.Contains(r) || original.Contains(r)).ToArray();
                next = reg with
                {
                    Replicas = target.Concat(removing).ToArray(),
                    Isr = isr.Length > 0 ? isr : reg.Isr,
                    AddingReplicas = adding.Length > 0 ? adding : null,
                    RemovingReplicas = removing.Length > 0 ? removing : null,
                    PartitionEpoch = reg.PartitionEpoch + 1,
                };
                Event("reassignment", $"{topicName}-{partition}: reassignment [{string.Join(",", original)}] -> [{string.Join(",", target)}] started");
                next = Complete(topicName, partition, next);
            }
            var partitions = topic.Partitions.ToArray();
            partitions[partition] = next;
            var topics = _image.Topics.ToDictionary(StringComparer.Ordinal);
            topics[topicName] = topic with { Partitions = partitions };
            Commit(_image with { Topics = topics }, "reassignment", $"{topicName}-{partition}: replicas [{string.Join(",", next.Replicas)}]");
        }
        Publish();
        return (ErrorCode.None, null);
    }

    /// <summary>Every running reassignment, or those of <paramref name="wanted"/> (null: all).</summary>
    public List<OngoingReassignment> ListReassignments(List<(string Topic, int Partition)>? wanted)
    {
        var image = Image;
        var found = new List<OngoingReassignment>();
        foreach (var topic in image.Topics.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
            for (int p = 0; p < topic.Partitions.Length; p++)
            {
                var reg = topic.Partitions[p];
                if (!reg.IsReassigning || (wanted is not null && !wanted.Contains((topic.Name, p)))) continue;
                found.Add(new OngoingReassignment(topic.Name, p, reg.Replicas, reg.AddingReplicas ?? [], reg.RemovingReplicas ?? []));
            }
        return found;
    }

    /// <summary>
    /// Finishes a reassignment whose target replicas are all in sync: the replicas become the
    /// target, removed nodes leave the ISR (and delete their copy when they apply the image),
    /// and a leader that is not a target hands over to the first in-sync target replica.
    /// </summary>
    private PartitionRegistration Complete(string topic, int partition, PartitionRegistration reg)
    {
        if (!reg.IsReassigning) return reg;
        var target = reg.TargetReplicas;
        if (!target.All(reg.Isr.Contains)) return reg;
        var isr = target.Where(reg.Isr.Contains).ToArray();
        int leader = target.Contains(reg.Leader) ? reg.Leader : target.First(isr.Contains);
        bool moved = leader != reg.Leader;
        Event("reassignment", $"{topic}-{partition}: reassignment done, replicas [{string.Join(",", target)}]"
            + (moved ? $", leader {reg.Leader} -> {leader}" : ""));
        return reg with
        {
            Replicas = target, Isr = isr, Leader = leader, LeaderEpoch = moved ? reg.LeaderEpoch + 1 : reg.LeaderEpoch,
            AddingReplicas = null, RemovingReplicas = null,
        };
    }

    /// <summary>Cancel: back to the original replicas; a leader among the added ones hands over to an original in-sync replica (offline if none is).</summary>
    private static PartitionRegistration Revert(PartitionRegistration reg)
    {
        var original = reg.OriginalReplicas;
        var isr = original.Where(reg.Isr.Contains).ToArray();
        int leader = original.Contains(reg.Leader) ? reg.Leader : original.FirstOrDefault(isr.Contains, -1);
        return reg with
        {
            Replicas = original, Isr = isr.Length > 0 ? isr : [original[0]], Leader = leader,
            LeaderEpoch = leader != reg.Leader ? reg.LeaderEpoch + 1 : reg.LeaderEpoch, PartitionEpoch = reg.PartitionEpoch + 1,
            AddingReplicas = null, RemovingReplicas = null,
        };
    }
}
