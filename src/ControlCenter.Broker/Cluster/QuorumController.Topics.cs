using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Storage;
using ControlCenter.LogFormat;

namespace ControlCenter.Broker.Cluster;

internal sealed partial class QuorumController
{
    /// <summary>
    /// CreateTopics for the cluster: checked as a single broker checks it (against the live
    /// node count), replicas placed across nodes (alternating racks when nodes have them),
    /// or taken from <paramref name="assignments"/>; the preferred (first) replica leads.
    /// </summary>
    public TopicImage? CreateTopic(string name, int numPartitions, short replicationFactor, IReadOnlyDictionary<string, string?> configs,
        bool validateOnly, bool isInternal = false, IReadOnlyList<int[]>? assignments = null)
    {
        TopicImage topic;
        lock (_lock)
        {
            var live = _image.LiveBrokers.ToList();
            if (assignments is { Count: > 0 })
            {
                numPartitions = assignments.Count;
                replicationFactor = (short)assignments[0].Length;
                CheckAssignments(assignments);
            }
            (numPartitions, replicationFactor, var validated) = LogManager.ValidateNewTopic(Config, name, numPartitions, replicationFactor, configs,
                _image.Topics.Keys, assignments is { Count: > 0 } ? int.MaxValue : live.Count);
            if (validateOnly) return null;
            var placement = assignments is { Count: > 0 } ? assignments.ToArray() : Place(live, numPartitions, replicationFactor, startAt: _image.Topics.Count);
            var partitions = placement.Select(replicas =>
            {
                var isr = replicas.Where(r => live.Any(b => b.Id == r)).ToArray();
                return new PartitionRegistration(replicas, isr, isr.Length > 0 ? isr[0] : -1, 0, 0);
            }).ToArray();
            topic = new TopicImage(name, Guid.NewGuid(), isInternal || TopicNames.IsInternal(name), validated, partitions);
            var topics = _image.Topics.ToDictionary(StringComparer.Ordinal);
            topics[name] = topic;
            Commit(_image with { Topics = topics }, "topic", $"Created topic {name} ({numPartitions} partitions, replication factor {replicationFactor})");
        }
        Publish();
        return topic;
    }

    private void CheckAssignments(IReadOnlyList<int[]> assignments)
    {
        foreach (var (replicas, p) in assignments.Select((r, p) => (r, p)))
        {
            if (replicas.Length == 0 || replicas.Length != assignments[0].Length)
                throw new KafkaErrorException(ErrorCode.InvalidReplicaAssignment, $"Partition {p} must have {assignments[0].Length} replicas like partition 0");
            if (replicas.Distinct().Count() != replicas.Length)
                throw new KafkaErrorException(ErrorCode.InvalidReplicaAssignment, $"Partition {p} names a node twice: {string.Join(",", replicas)}");
            if (replicas.FirstOrDefault(r => !_image.Brokers.ContainsKey(r), -1) is var unknown and >= 0)
                throw new KafkaErrorException(ErrorCode.InvalidReplicaAssignment, $"Partition {p} names node {unknown}, which is not registered");
        }
    }

    /// <summary>
    /// Kafka's placement in spirit: nodes listed alternating racks, partition p starts at the
    /// (p + startAt)-th node and takes the next ones, so leaders and replicas spread evenly.
    /// </summary>
    internal static int[][] Place(IReadOnlyList<BrokerRegistration> live, int partitions, int replicationFactor, int startAt)
    {
        var byRack = live.GroupBy(b => b.Rack ?? "").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.OrderBy(b => b.Id).ToList()).ToList();
        var ordered = new List<int>();
        for (int i = 0; ordered.Count < live.Count; i++)
            foreach (var rack in byRack.Where(r => i < r.Count)) ordered.Add(rack[i].Id);
        var result = new int[partitions][];
        for (int p = 0; p < partitions; p++)
        {
            int first = (p + startAt) % ordered.Count;
            result[p] = Enumerable.Range(0, replicationFactor).Select(i => ordered[(first + i) % ordered.Count]).ToArray();
        }
        return result;
    }

    public void DeleteTopic(string name)
    {
        lock (_lock)
        {
            if (!_image.Topics.ContainsKey(name))
                throw new KafkaErrorException(ErrorCode.UnknownTopicOrPartition, $"This server does not host this topic: {name}");
            var topics = _image.Topics.ToDictionary(StringComparer.Ordinal);
            topics.Remove(name);
            Commit(_image with { Topics = topics }, "topic", $"Deleted topic {name}");
        }
        Publish();
    }

    public void CreatePartitions(string name, int newCount, bool validateOnly)
    {
        lock (_lock)
        {
            var topic = _image.Topics.GetValueOrDefault(name) ?? throw new KafkaErrorException(ErrorCode.UnknownTopicOrPartition, $"The topic '{name}' does not exist.");
            int current = topic.Partitions.Length;
            if (newCount < current)
                throw new KafkaErrorException(ErrorCode.InvalidPartitions, $"Topic currently has {current} partitions, which is higher than the requested {newCount}.");
            if (newCount == current) throw new KafkaErrorException(ErrorCode.InvalidPartitions, $"Topic already has {current} partitions.");
            var live = _image.LiveBrokers.ToList();
            int rf = topic.Partitions[0].Replicas.Length;
            if (rf > live.Count)
                throw new KafkaErrorException(ErrorCode.InvalidReplicationFactor, $"Replication factor {rf} cannot be reached: only {live.Count} node(s) are live.");
            if (validateOnly) return;
            var added = Place(live, newCount - current, rf, startAt: current)
                .Select(replicas => new PartitionRegistration(replicas, replicas, replicas[0], 0, 0));
            var topics = _image.Topics.ToDictionary(StringComparer.Ordinal);
            topics[name] = topic with { Partitions = topic.Partitions.Concat(added).ToArray() };
            Commit(_image with { Topics = topics }, "topic", $"Topic {name} now has {newCount} partitions");
        }
        Publish();
    }

    /// <summary>Replaces a topic's overrides with an already validated set.</summary>
    public void SetTopicConfigs(string name, Dictionary<string, string> validated)
    {
        lock (_lock)
        {
            var topic = _image.Topics.GetValueOrDefault(name) ?? throw new KafkaErrorException(ErrorCode.UnknownTopicOrPartition, $"The topic '{name}' does not exist.");
            var topics = _image.Topics.ToDictionary(StringComparer.Ordinal);
            topics[name] = topic with { Configs = validated };
            Commit(_image with { Topics = topics }, "config", $"Updated configs of topic {name}");
        }
        Publish();
    }

    /// <summary>
    /// Replaces the dynamic configs of a broker resource (a registered node's id, or "" for the
    /// cluster-wide default) with an already validated set; every node applies them with the image.
    /// </summary>
    public void SetBrokerConfigs(string resource, Dictionary<string, string> validated)
    {
        lock (_lock)
        {
            if (resource.Length > 0 && (!int.TryParse(resource, out int id) || !_image.Brokers.ContainsKey(id)))
                throw new KafkaErrorException(ErrorCode.InvalidRequest, $"Broker {resource} is not registered in the cluster");
            var all = (_image.BrokerConfigs ?? new Dictionary<string, Dictionary<string, string>>()).ToDictionary(StringComparer.Ordinal);
            if (validated.Count == 0) all.Remove(resource);
            else all[resource] = validated;
            Commit(_image with { BrokerConfigs = all }, "config",
                $"Updated dynamic configs of {(resource.Length == 0 ? "every broker (cluster default)" : $"broker {resource}")}");
        }
        Publish();
    }

    /// <summary>
    /// AlterPartition: the leader changes its ISR. Refused unless it is still the leader at
    /// that epoch and knows the current partition epoch (a stale change must not win), and
    /// every node added is live.
    /// </summary>
    public ErrorCode AlterPartition(int leaderId, string topicName, int partition, int leaderEpoch, int partitionEpoch, int[] newIsr)
    {
        lock (_lock)
        {
            if (_isolated.Contains(leaderId)) return ErrorCode.RequestTimedOut;
            var topic = _image.Topics.GetValueOrDefault(topicName);
            if (topic is null || partition >= topic.Partitions.Length) return ErrorCode.UnknownTopicOrPartition;
            var reg = topic.Partitions[partition];
            if (reg.Leader != leaderId) return ErrorCode.NotLeaderOrFollower;
            if (reg.LeaderEpoch != leaderEpoch) return ErrorCode.FencedLeaderEpoch;
            if (reg.PartitionEpoch != partitionEpoch) return ErrorCode.InvalidUpdateVersion;
            if (newIsr.Any(id => !_image.Brokers.TryGetValue(id, out var b) || b.Fenced || !reg.Replicas.Contains(id)) || !newIsr.Contains(leaderId))
                return ErrorCode.IneligibleReplica;
            var partitions = topic.Partitions.ToArray();
            // An added replica that caught up may be the last one a running reassignment waited for.
            partitions[partition] = Complete(topicName, partition, reg with { Isr = newIsr, PartitionEpoch = reg.PartitionEpoch + 1 });
            var topics = _image.Topics.ToDictionary(StringComparer.Ordinal);
            topics[topicName] = topic with { Partitions = partitions };
            Commit(_image with { Topics = topics }, "isr",
                $"{topicName}-{partition}: ISR [{string.Join(",", reg.Isr)}] -> [{string.Join(",", newIsr)}]");
        }
        Publish();
        return ErrorCode.None;
    }

    /// <summary>
    /// ElectLeaders: a preferred election makes the first replica lead again when it is live and
    /// in sync; an unclean one gives an offline partition to a live replica outside the ISR.
    /// <paramref name="wanted"/> null means every partition (only those that need it are reported).
    /// </summary>
    public List<(string Topic, int Partition, ErrorCode Error, string? Message)> ElectLeaders(bool unclean, List<(string Topic, int Partition)>? wanted)
    {
        var results = new List<(string, int, ErrorCode, string?)>();
        bool changed = false;
        lock (_lock)
        {
            var topics = _image.Topics.ToDictionary(StringComparer.Ordinal);
            var targets = wanted ?? topics.Values.SelectMany(t => Enumerable.Range(0, t.Partitions.Length).Select(p => (t.Name, p))).ToList();
            foreach (var (name, p) in targets)
            {
                if (!topics.TryGetValue(name, out var topic) || p < 0 || p >= topic.Partitions.Length)
                {
                    results.Add((name, p, ErrorCode.UnknownTopicOrPartition, $"Unknown partition {name}-{p}"));
                    continue;
                }
                var reg = topic.Partitions[p];
                bool Live(int id) => _image.Brokers.TryGetValue(id, out var b) && !b.Fenced;
                (ErrorCode Error, string? Message, PartitionRegistration? Next) outcome = unclean
                    ? reg.Leader >= 0 ? (ErrorCode.ElectionNotNeeded, "The partition has a leader", null)
                    : reg.Replicas.FirstOrDefault(Live, -1) is var any and >= 0 ? (ErrorCode.None, null, reg with { Leader = any, Isr = [any], LeaderEpoch = reg.LeaderEpoch + 1, PartitionEpoch = reg.PartitionEpoch + 1 })
                    : (ErrorCode.EligibleLeadersNotAvailable, "No replica of the partition is live", null)
                    : reg.Leader == reg.PreferredLeader ? (ErrorCode.ElectionNotNeeded, "The preferred replica is already the leader", null)
                    : Live(reg.PreferredLeader) && reg.Isr.Contains(reg.PreferredLeader)
                        ? (ErrorCode.None, null, reg with { Leader = reg.PreferredLeader, LeaderEpoch = reg.LeaderEpoch + 1, PartitionEpoch = reg.PartitionEpoch + 1 })
                        : (ErrorCode.PreferredLeaderNotAvailable, $"The preferred replica {reg.PreferredLeader} is not live and in sync", null);
                if (wanted is null && outcome.Error == ErrorCode.ElectionNotNeeded) continue;
                results.Add((name, p, outcome.Error, outcome.Message));
                if (outcome.Next is not { } next) continue;
                var partitions = topic.Partitions.ToArray();
                partitions[p] = next;
                topics[name] = topic = topic with { Partitions = partitions };
                Event("election", $"{name}-{p}: {(unclean ? "unclean" : "preferred")} election, leader {reg.Leader} -> {next.Leader}, epoch {next.LeaderEpoch}");
                changed = true;
            }
            if (changed) Commit(_image with { Topics = topics }, "election", $"{results.Count(r => r.Item3 == ErrorCode.None)} leader(s) elected");
        }
        if (changed) Publish();
        return results;
    }

    /// <summary>Producer ids come from the controller in persisted blocks, so no two nodes (or restarts) hand out the same id.</summary>
    public long NextProducerId()
    {
        lock (_lock)
        {
            if (_nextProducerId >= _image.NextProducerIdBlock)
            {
                var next = _image with { Version = _image.Version + 1, NextProducerIdBlock = _nextProducerId + ProducerIdBlockSize };
                _store.Save(ClusterId, next);
                Volatile.Write(ref _image, next);
            }
            return _nextProducerId++;
        }
    }
}
