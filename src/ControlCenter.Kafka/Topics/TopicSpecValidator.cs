using System.Globalization;
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

    /// <summary>Checks known configs' values the way Kafka's ConfigDef would; unknown keys are left to the broker.</summary>
    public static void ValidateConfig(string key, string? value, short replicationFactor, List<FieldIssue> issues)
    {
        string field = "config:" + key;
        if (string.IsNullOrWhiteSpace(key)) { issues.Add(new(field, "A config needs a name.")); return; }
        if (value is null) { issues.Add(new(field, $"{key} needs a value.")); return; }
        switch (key)
        {
            case "cleanup.policy":
                var parts = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0 || parts.Any(p => p is not ("delete" or "compact")))
                    issues.Add(new(field, "cleanup.policy is delete, compact, or compact,delete."));
                break;
            case "compression.type":
                if (value is not ("producer" or "uncompressed" or "gzip" or "snappy" or "lz4" or "zstd"))
                    issues.Add(new(field, "compression.type is one of producer, uncompressed, gzip, snappy, lz4, zstd."));
                break;
            case "message.timestamp.type":
                if (value is not ("CreateTime" or "LogAppendTime")) issues.Add(new(field, "message.timestamp.type is CreateTime or LogAppendTime."));
                break;
            case "retention.ms" or "retention.bytes":
                if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) || l < -1)
                    issues.Add(new(field, $"{key} is a whole number, -1 for unlimited."));
                break;
            case "segment.bytes":
                if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int sb) || sb < 14)
                    issues.Add(new(field, "segment.bytes is a whole number of bytes, at least 14 (and at most 2 GiB)."));
                break;
            case "max.message.bytes":
                if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int mb) || mb < 0)
                    issues.Add(new(field, "max.message.bytes is a whole number of bytes (at most 2 GiB)."));
                break;
            case "segment.ms" or "delete.retention.ms" or "min.compaction.lag.ms" or "file.delete.delay.ms":
                if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long ms) || ms < 0)
                    issues.Add(new(field, $"{key} is a whole number of milliseconds, 0 or more."));
                break;
            case "min.insync.replicas":
                if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int isr) || isr < 1)
                    issues.Add(new(field, "min.insync.replicas is at least 1."));
                else if (isr > replicationFactor)
                    issues.Add(new(field, $"min.insync.replicas {isr} is above the replication factor {replicationFactor}: every acks=all write would fail.", IsWarning: true));
                break;
            case "min.cleanable.dirty.ratio":
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double ratio) || ratio is < 0 or > 1)
                    issues.Add(new(field, "min.cleanable.dirty.ratio is between 0 and 1."));
                break;
        }
    }
}
