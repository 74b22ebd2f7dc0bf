namespace ControlCenter.Broker.Groups.Consumer;

/// <summary>A partition named by its topic's id, as the KIP-848 protocol names them.</summary>
internal readonly record struct TopicIdPartition(Guid TopicId, int Partition);

/// <summary>A topic the group subscribes to, as the assignor sees it.</summary>
internal sealed record SubscribedTopic(Guid Id, string Name, int Partitions);

/// <summary>What an assignor is given for one member: who it is, what it subscribes to, what it had.</summary>
internal sealed record AssignmentMember(string MemberId, string? InstanceId, IReadOnlySet<Guid> Topics, IReadOnlySet<TopicIdPartition> PreviousTarget);

/// <summary>
/// A server-side assignor (KIP-848): the coordinator computes every member's target assignment
/// itself whenever the group epoch moves. Results are deterministic for the same input.
/// </summary>
internal interface IPartitionAssignor
{
    string Name { get; }
    Dictionary<string, HashSet<TopicIdPartition>> Assign(IReadOnlyList<AssignmentMember> members, IReadOnlyList<SubscribedTopic> topics);
}

internal static class PartitionAssignors
{
    public const string Uniform = "uniform";
    public const string Range = "range";

    public static IPartitionAssignor? Find(string name) => name switch
    {
        Uniform => new UniformAssignor(),
        Range => new RangeAssignor(),
        _ => null,
    };
}

/// <summary>
/// Kafka's "uniform" assignor: every partition of the subscribed topics goes to one member that
/// subscribes to its topic, counts differ by at most one where subscriptions allow, and a
/// partition stays with its previous owner whenever balance allows (sticky, so a rebalance
/// moves as little as possible).
/// </summary>
internal sealed class UniformAssignor : IPartitionAssignor
{
    public string Name => PartitionAssignors.Uniform;

    public Dictionary<string, HashSet<TopicIdPartition>> Assign(IReadOnlyList<AssignmentMember> members, IReadOnlyList<SubscribedTopic> topics)
    {
        var result = members.ToDictionary(m => m.MemberId, _ => new HashSet<TopicIdPartition>(), StringComparer.Ordinal);
        var ordered = members.OrderBy(m => m.MemberId, StringComparer.Ordinal).ToList();
        var eligible = topics.ToDictionary(t => t.Id, t => ordered.Where(m => m.Topics.Contains(t.Id)).Select(m => m.MemberId).ToArray());
        var partitionCount = topics.ToDictionary(t => t.Id, t => t.Partitions);
        var owner = new Dictionary<TopicIdPartition, string>();

        // Sticky first: what a member had and may still have, it keeps for now.
        foreach (var member in ordered)
            foreach (var tp in member.PreviousTarget.OrderBy(tp => tp.TopicId).ThenBy(tp => tp.Partition))
                if (member.Topics.Contains(tp.TopicId) && partitionCount.TryGetValue(tp.TopicId, out int count) && tp.Partition < count && owner.TryAdd(tp, member.MemberId))
                    result[member.MemberId].Add(tp);

        var all = topics.OrderBy(t => t.Name, StringComparer.Ordinal)
            .SelectMany(t => Enumerable.Range(0, t.Partitions).Select(p => new TopicIdPartition(t.Id, p))).ToList();
        foreach (var tp in all)
        {
            if (owner.ContainsKey(tp) || eligible[tp.TopicId].Length == 0) continue;
            string least = eligible[tp.TopicId].MinBy(id => result[id].Count)!;
            owner[tp] = least;
            result[least].Add(tp);
        }

        // Then balance: move a partition while its owner has two or more than another member that could take it.
        for (bool moved = true; moved;)
        {
            moved = false;
            foreach (var tp in all)
            {
                if (!owner.TryGetValue(tp, out var from)) continue;
                string to = eligible[tp.TopicId].MinBy(id => result[id].Count)!;
                if (result[from].Count <= result[to].Count + 1) continue;
                result[from].Remove(tp);
                result[to].Add(tp);
                owner[tp] = to;
                moved = true;
            }
        }
        return result;
    }
}

/// <summary>
/// Kafka's "range" assignor: per topic, the members subscribing to it (ordered by instance id,
/// then member id) each take a contiguous range of partitions; the first ones take one more when
/// the partitions do not divide evenly. Co-partitioned topics line up member by member.
/// </summary>
internal sealed class RangeAssignor : IPartitionAssignor
{
    public string Name => PartitionAssignors.Range;

    public Dictionary<string, HashSet<TopicIdPartition>> Assign(IReadOnlyList<AssignmentMember> members, IReadOnlyList<SubscribedTopic> topics)
    {
        var result = members.ToDictionary(m => m.MemberId, _ => new HashSet<TopicIdPartition>(), StringComparer.Ordinal);
        foreach (var topic in topics)
        {
            var subscribers = members.Where(m => m.Topics.Contains(topic.Id))
                .OrderBy(m => m.InstanceId ?? m.MemberId, StringComparer.Ordinal).ThenBy(m => m.MemberId, StringComparer.Ordinal).ToList();
            if (subscribers.Count == 0) continue;
            int each = topic.Partitions / subscribers.Count, extra = topic.Partitions % subscribers.Count, next = 0;
            for (int i = 0; i < subscribers.Count; i++)
            {
                int take = each + (i < extra ? 1 : 0);
                for (int p = next; p < next + take; p++) result[subscribers[i].MemberId].Add(new TopicIdPartition(topic.Id, p));
                next += take;
            }
        }
        return result;
    }
}
