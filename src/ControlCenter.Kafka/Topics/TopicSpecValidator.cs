using ControlCenter.LogFormat;

namespace ControlCenter.Kafka.Topics;

/// <summary>
/// Kafka's rules for a new topic, checked before anything is sent: name, partition count,
/// replication factor against the brokers there are, and the values of common configs.
/// The broker stays the final judge (the form's "validate" runs CreateTopics validate-only).
/// </summary>
public static class TopicSpecValidator
{
    public const int MaxPartitions = 100_000;

    /// <summary>Partition replicas one broker handles well (Kafka's own guidance is a few thousand); above it a warning says so.</summary>
    public const int ComfortablePartitionsPerBroker = 4_000;

    /// <param name="existingReplicas">Partition replicas the cluster holds already (all topics, all replicas).</param>
    public static List<FieldIssue> Validate(TopicSpec spec, int brokerCount, IEnumerable<string> existingTopics, long existingReplicas = 0)
    {
        var issues = new List<FieldIssue>();
        if (TopicNames.Validate(spec.Name) is { } nameError) issues.Add(new("name", nameError));
        else
        {
            var existing = existingTopics.ToList();
            if (existing.Contains(spec.Name, StringComparer.Ordinal))
                issues.Add(new("name", $"Topic '{spec.Name}' already exists."));
            else if (existing.FirstOrDefault(t => TopicNames.CollisionKey(t) == TopicNames.CollisionKey(spec.Name)) is { } collision)
                issues.Add(new("name", $"Topic '{spec.Name}' collides with existing topic '{collision}': '.' and '_' map to the same metric name."));
            else if (spec.Name.Contains('.') || spec.Name.Contains('_'))
                issues.Add(new("name", "Topics with a period ('.') or underscore ('_') could collide in metric names: best use one of them, not both.", IsWarning: true));
        }
        if (spec.Partitions < 1) issues.Add(new("partitions", "A topic needs at least 1 partition."));
        else if (spec.Partitions > MaxPartitions) issues.Add(new("partitions", $"At most {MaxPartitions:N0} partitions."));
        else if (brokerCount > 0 && spec.ReplicationFactor >= 1)
        {
            long perBroker = (existingReplicas + (long)spec.Partitions * spec.ReplicationFactor + brokerCount - 1) / brokerCount;
            if (perBroker > ComfortablePartitionsPerBroker)
                issues.Add(new("partitions", $"That makes {perBroker:N0} partition replicas per broker ({brokerCount} broker{(brokerCount == 1 ? "" : "s")}), " +
                    $"well above the ~{ComfortablePartitionsPerBroker:N0} a broker handles comfortably: every partition costs open files, memory, " +
                    "and time on restarts and leader elections. Fewer partitions, or more brokers, will serve better.", IsWarning: true));
        }
        if (spec.ReplicationFactor < 1) issues.Add(new("replicationFactor", "The replication factor must be at least 1."));
        else if (brokerCount > 0 && spec.ReplicationFactor > brokerCount)
            issues.Add(new("replicationFactor", $"Replication factor {spec.ReplicationFactor} is more than the {brokerCount} broker(s) in the cluster."));
        foreach (var (key, value) in spec.Configs) ValidateConfig(key, value, spec.ReplicationFactor, issues);
        return issues;
    }

    public static bool HasErrors(IEnumerable<FieldIssue> issues) => issues.Any(i => !i.IsWarning);

    /// <summary>Checks known configs' values the way Kafka's validators would; unknown keys are left to the broker.</summary>
    public static void ValidateConfig(string key, string? value, short replicationFactor, List<FieldIssue> issues)
    {
        string field = "config:" + key;
        if (string.IsNullOrWhiteSpace(key)) issues.Add(new(field, "A config needs a name."));
        else if (value is null) issues.Add(new(field, $"{key} needs a value."));
        else if (TopicConfigRules.Check(key, value, replicationFactor) is { } error) issues.Add(new(field, error));
    }
}
