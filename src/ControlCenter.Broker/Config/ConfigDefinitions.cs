using System.Globalization;

namespace ControlCenter.Broker.Config;

/// <summary>DescribeConfigs ConfigType (KIP-569).</summary>
public enum ConfigType : sbyte { Unknown = 0, Boolean = 1, String = 2, Int = 3, Short = 4, Long = 5, Double = 6, List = 7, Class = 8, Password = 9 }

/// <summary>DescribeConfigs ConfigSource.</summary>
public enum ConfigSource : sbyte
{
    Unknown = 0, DynamicTopicConfig = 1, DynamicBrokerConfig = 2, DynamicDefaultBrokerConfig = 3,
    StaticBrokerConfig = 4, DefaultConfig = 5,
}

/// <summary>
/// One configuration key: its type, default, documentation and validation. <paramref name="Internal"/>
/// keys (Kafka's defineInternal) are accepted but described only where they are set.
/// </summary>
public sealed record ConfigKey(
    string Name,
    ConfigType Type,
    string? DefaultValue,
    string Documentation,
    string? BrokerSynonym = null,
    Func<string, string?>? Validator = null,
    bool ReadOnly = false,
    bool Sensitive = false,
    bool Internal = false,
    bool Dynamic = false)
{
    /// <summary>Returns an error message for an invalid value, null when it is acceptable.</summary>
    public string? Validate(string? value)
    {
        if (value is null) return $"Null value not supported for {Name}";
        string? typeError = Type switch
        {
            ConfigType.Int => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? null : "must be an int",
            ConfigType.Long => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? null : "must be a long",
            ConfigType.Double => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : "must be a double",
            ConfigType.Boolean => value is "true" or "false" ? null : "must be true or false",
            _ => null,
        };
        if (typeError is not null) return $"Invalid value {value} for configuration {Name}: {typeError}";
        string? error = Validator?.Invoke(value);
        return error is null ? null : $"Invalid value {value} for configuration {Name}: {error}";
    }
}

internal static class Validators
{
    public static Func<string, string?> AtLeast(long min) => v =>
        long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) && n >= min ? null : $"Value must be at least {min}";

    public static Func<string, string?> Between(double min, double max) => v =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d >= min && d <= max ? null : $"Value must be between {min} and {max}";

    public static Func<string, string?> OneOf(params string[] allowed) => v =>
        allowed.Contains(v, StringComparer.Ordinal) ? null : $"String must be one of: {string.Join(", ", allowed)}";

    /// <summary>Kafka's ThrottledReplicaListValidator: empty, "*", or partition:broker pairs ("0:1,1:2").</summary>
    public static string? ThrottledReplicas(string v)
    {
        if (v.Trim() is "" or "*") return null;
        return v.Split(',', StringSplitOptions.TrimEntries).All(item => item.Split(':') is [var p, var b] && int.TryParse(p, out int pi) && pi >= 0
                   && int.TryParse(b, out int bi) && bi >= 0)
            ? null : "Must be the literal '*' or a list of replicas in the form partitionId:brokerId, e.g. 0:1,1:2";
    }

    /// <summary>
    /// A comma-separated list of allowed values, read the way Kafka's ConfigDef reads a LIST: split on
    /// commas with the spaces around them, so "compact,,delete" holds an empty item and is refused.
    /// </summary>
    public static Func<string, string?> ListOf(params string[] allowed) => v =>
    {
        if (v.Trim().Length == 0) return "List must not be empty";
        var items = v.Split(',', StringSplitOptions.TrimEntries);
        var bad = items.FirstOrDefault(i => !allowed.Contains(i, StringComparer.Ordinal));
        if (bad is not null) return $"String must be one of: {string.Join(", ", allowed)} (found '{bad}')";
        var twice = items.GroupBy(i => i, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return twice is null ? null : $"Values must not be duplicated ('{twice.Key}' appears twice)";
    };
}

/// <summary>Topic-level configs with their broker-level synonyms and Kafka 3.x defaults.</summary>
public static class TopicConfigs
{
    public const string CleanupPolicy = "cleanup.policy";
    public const string CompressionType = "compression.type";
    public const string DeleteRetentionMs = "delete.retention.ms";
    public const string FileDeleteDelayMs = "file.delete.delay.ms";
    public const string IndexIntervalBytes = "index.interval.bytes";
    public const string MaxCompactionLagMs = "max.compaction.lag.ms";
    public const string MaxMessageBytes = "max.message.bytes";
    public const string MessageTimestampType = "message.timestamp.type";
    public const string MessageTimestampBeforeMaxMs = "message.timestamp.before.max.ms";
    public const string MessageTimestampAfterMaxMs = "message.timestamp.after.max.ms";
    public const string MinCleanableDirtyRatio = "min.cleanable.dirty.ratio";
    public const string MinCompactionLagMs = "min.compaction.lag.ms";
    public const string MinInSyncReplicas = "min.insync.replicas";
    public const string RetentionBytes = "retention.bytes";
    public const string RetentionMs = "retention.ms";
    public const string SegmentBytes = "segment.bytes";
    public const string InternalSegmentBytes = "internal.segment.bytes";

    /// <summary>Kafka 4.0's floor for segment.bytes (KIP-1030); smaller segments only through internal.segment.bytes.</summary>
    public const int MinSegmentBytes = 1024 * 1024;
    public const string SegmentIndexBytes = "segment.index.bytes";
    public const string SegmentJitterMs = "segment.jitter.ms";
    public const string SegmentMs = "segment.ms";
    public const string UncleanLeaderElectionEnable = "unclean.leader.election.enable";
    public const string LeaderReplicationThrottledReplicas = "leader.replication.throttled.replicas";
    public const string FollowerReplicationThrottledReplicas = "follower.replication.throttled.replicas";

    private static readonly string LongMax = long.MaxValue.ToString(CultureInfo.InvariantCulture);

    public static readonly IReadOnlyList<ConfigKey> Keys =
    [
        new(CleanupPolicy, ConfigType.List, "delete", "Retention policy for old log segments: delete, compact, or both (compact,delete).", "log.cleanup.policy", Validators.ListOf("delete", "compact")),
        new(CompressionType, ConfigType.String, "producer", "Final compression type for the topic; 'producer' keeps the codec the producer chose.", "compression.type", Validators.OneOf("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer")),
        new(DeleteRetentionMs, ConfigType.Long, "86400000", "How long tombstones are kept for compacted topics.", "log.cleaner.delete.retention.ms", Validators.AtLeast(0)),
        new(FileDeleteDelayMs, ConfigType.Long, "60000", "Time to wait before deleting a file from the filesystem.", "log.segment.delete.delay.ms", Validators.AtLeast(0)),
        new("flush.messages", ConfigType.Long, LongMax, "Number of messages after which the log is forced to disk.", "log.flush.interval.messages", Validators.AtLeast(1)),
        new("flush.ms", ConfigType.Long, LongMax, "Time after which the log is forced to disk.", "log.flush.interval.ms", Validators.AtLeast(0)),
        new(IndexIntervalBytes, ConfigType.Int, "4096", "How often an offset index entry is added (in bytes of log).", "log.index.interval.bytes", Validators.AtLeast(0)),
        new(MaxCompactionLagMs, ConfigType.Long, LongMax, "Maximum time a message remains ineligible for compaction.", "log.cleaner.max.compaction.lag.ms", Validators.AtLeast(1)),
        new(MaxMessageBytes, ConfigType.Int, "1048588", "Largest record batch size allowed.", "message.max.bytes", Validators.AtLeast(0)),
        new("message.downconversion.enable", ConfigType.Boolean, "true", "Whether down-conversion of message formats is enabled for consume requests.", "log.message.downconversion.enable"),
        new(MessageTimestampAfterMaxMs, ConfigType.Long, LongMax, "Allowed amount a record timestamp may be after the broker's time.", "log.message.timestamp.after.max.ms", Validators.AtLeast(0)),
        new(MessageTimestampBeforeMaxMs, ConfigType.Long, LongMax, "Allowed amount a record timestamp may be before the broker's time.", "log.message.timestamp.before.max.ms", Validators.AtLeast(0)),
        new(MessageTimestampType, ConfigType.String, "CreateTime", "Whether record timestamps are the producer's CreateTime or the broker's LogAppendTime.", "log.message.timestamp.type", Validators.OneOf("CreateTime", "LogAppendTime")),
        new(MinCleanableDirtyRatio, ConfigType.Double, "0.5", "Minimum ratio of dirty log to total log for the log to be eligible for cleaning.", "log.cleaner.min.cleanable.ratio", Validators.Between(0, 1)),
        new(MinCompactionLagMs, ConfigType.Long, "0", "Minimum time a message remains uncompacted.", "log.cleaner.min.compaction.lag.ms", Validators.AtLeast(0)),
        new(MinInSyncReplicas, ConfigType.Int, "1", "Minimum number of in-sync replicas for an acks=all write to succeed.", "min.insync.replicas", Validators.AtLeast(1)),
        new("preallocate", ConfigType.Boolean, "false", "Preallocate the file on disk when creating a new log segment.", "log.preallocate"),
        new(RetentionBytes, ConfigType.Long, "-1", "Maximum size a partition can grow to before old segments are discarded (-1: no limit).", "log.retention.bytes"),
        new(RetentionMs, ConfigType.Long, "604800000", "Maximum time a log segment is retained before it is discarded (-1: no limit).", "log.retention.ms", Validators.AtLeast(-1)),
        new(SegmentBytes, ConfigType.Int, "1073741824", "Segment file size for the log (at least 1 MiB).", "log.segment.bytes", Validators.AtLeast(MinSegmentBytes)),
        new(InternalSegmentBytes, ConfigType.Int, null, "Segment file size overriding segment.bytes without its 1 MiB floor; for tests and demos.", null, Validators.AtLeast(14), Internal: true),
        new(SegmentIndexBytes, ConfigType.Int, "10485760", "Size of the index that maps offsets to file positions.", "log.index.size.max.bytes", Validators.AtLeast(8)),
        new(SegmentJitterMs, ConfigType.Long, "0", "Maximum random jitter subtracted from segment.ms.", "log.roll.jitter.ms", Validators.AtLeast(0)),
        new(SegmentMs, ConfigType.Long, "604800000", "Time after which a segment is rolled even if not full.", "log.roll.ms", Validators.AtLeast(1)),
        new(LeaderReplicationThrottledReplicas, ConfigType.List, "", "Replicas (partition:broker, or *) whose log replication is throttled on the leader side, at the leader's leader.replication.throttled.rate.", Validator: Validators.ThrottledReplicas),
        new(FollowerReplicationThrottledReplicas, ConfigType.List, "", "Replicas (partition:broker, or *) whose log replication is throttled on the follower side, at the follower's follower.replication.throttled.rate.", Validator: Validators.ThrottledReplicas),
        new(UncleanLeaderElectionEnable, ConfigType.Boolean, "false", "Whether a replica that is not in sync may become leader when no in-sync replica is left (availability over durability: acknowledged records can be lost).", "unclean.leader.election.enable"),
    ];

    public static readonly IReadOnlyDictionary<string, ConfigKey> ByName = Keys.ToDictionary(k => k.Name, StringComparer.Ordinal);
}

/// <summary>Broker-level configs the embedded broker reports and honours.</summary>
public static class BrokerConfigKeys
{
    public const string AutoCreateTopicsEnable = "auto.create.topics.enable";
    public const string NumPartitions = "num.partitions";
    public const string DefaultReplicationFactor = "default.replication.factor";
    public const string LogRetentionCheckIntervalMs = "log.retention.check.interval.ms";
    public const string SocketRequestMaxBytes = "socket.request.max.bytes";
    public const string GroupInitialRebalanceDelayMs = "group.initial.rebalance.delay.ms";
    public const string GroupMinSessionTimeoutMs = "group.min.session.timeout.ms";
    public const string GroupMaxSessionTimeoutMs = "group.max.session.timeout.ms";
    public const string GroupMaxSize = "group.max.size";
    public const string GroupConsumerSessionTimeoutMs = "group.consumer.session.timeout.ms";
    public const string GroupConsumerHeartbeatIntervalMs = "group.consumer.heartbeat.interval.ms";
    public const string GroupConsumerAssignors = "group.consumer.assignors";
    public const string GroupConsumerMaxSize = "group.consumer.max.size";
    public const string OffsetsTopicNumPartitions = "offsets.topic.num.partitions";
    public const string OffsetsRetentionMinutes = "offsets.retention.minutes";
    public const string OffsetMetadataMaxBytes = "offset.metadata.max.bytes";
    public const string LogCleanerEnable = "log.cleaner.enable";
    public const string LogCleanerBackoffMs = "log.cleaner.backoff.ms";
    public const string DeleteTopicEnable = "delete.topic.enable";
    public const string BrokerHeartbeatIntervalMs = "broker.heartbeat.interval.ms";
    public const string BrokerSessionTimeoutMs = "broker.session.timeout.ms";
    public const string ReplicaLagTimeMaxMs = "replica.lag.time.max.ms";
    public const string ReplicaFetchWaitMaxMs = "replica.fetch.wait.max.ms";
    public const string ReplicaFetchMaxBytes = "replica.fetch.max.bytes";
    public const string OffsetsTopicReplicationFactor = "offsets.topic.replication.factor";
    public const string LeaderReplicationThrottledRate = "leader.replication.throttled.rate";
    public const string FollowerReplicationThrottledRate = "follower.replication.throttled.rate";
    public const string TransactionStateLogNumPartitions = "transaction.state.log.num.partitions";
    public const string TransactionStateLogReplicationFactor = "transaction.state.log.replication.factor";
    public const string TransactionMaxTimeoutMs = "transaction.max.timeout.ms";

    /// <summary>Keys that are not topic synonyms. Values here are the embedded broker's defaults.</summary>
    public static readonly IReadOnlyList<ConfigKey> Keys =
    [
        new(AutoCreateTopicsEnable, ConfigType.Boolean, "true", "Enable auto creation of topics on the server."),
        new(NumPartitions, ConfigType.Int, "1", "Default number of partitions per topic.", Validator: Validators.AtLeast(1)),
        new(DefaultReplicationFactor, ConfigType.Int, "1", "Default replication factor for automatically created topics.", Validator: Validators.AtLeast(1)),
        new(LogRetentionCheckIntervalMs, ConfigType.Long, "300000", "How often the log cleaner checks whether any log is eligible for deletion.", Validator: Validators.AtLeast(1)),
        new(SocketRequestMaxBytes, ConfigType.Int, "104857600", "Maximum number of bytes in a socket request.", Validator: Validators.AtLeast(1)),
        new(GroupInitialRebalanceDelayMs, ConfigType.Int, "300", "Time the coordinator waits for more consumers to join a new group before the first rebalance (Kafka's default is 3000; small here for development).", Validator: Validators.AtLeast(0)),
        new(GroupMinSessionTimeoutMs, ConfigType.Int, "6000", "Minimum allowed session timeout for registered consumers.", Validator: Validators.AtLeast(0)),
        new(GroupMaxSessionTimeoutMs, ConfigType.Int, "1800000", "Maximum allowed session timeout for registered consumers.", Validator: Validators.AtLeast(0)),
        new(GroupMaxSize, ConfigType.Int, "2147483647", "Maximum number of consumers a single consumer group can accommodate.", Validator: Validators.AtLeast(1)),
        new(GroupConsumerSessionTimeoutMs, ConfigType.Int, "45000", "Timeout to detect a crashed member of a consumer-protocol group (KIP-848): the broker owns it, not the client.", Validator: Validators.AtLeast(1)),
        new(GroupConsumerHeartbeatIntervalMs, ConfigType.Int, "5000", "How often members of consumer-protocol groups heartbeat.", Validator: Validators.AtLeast(1)),
        new(GroupConsumerAssignors, ConfigType.List, "uniform,range", "Server-side assignors of consumer-protocol groups; the first is the default."),
        new(GroupConsumerMaxSize, ConfigType.Int, "2147483647", "Maximum number of members of a consumer-protocol group.", Validator: Validators.AtLeast(1)),
        new(OffsetsTopicNumPartitions, ConfigType.Int, "50", "Number of partitions of the offset commit topic.", Validator: Validators.AtLeast(1)),
        new(OffsetsRetentionMinutes, ConfigType.Int, "10080", "Committed offsets of an empty group are kept this long.", Validator: Validators.AtLeast(1)),
        new(OffsetMetadataMaxBytes, ConfigType.Int, "4096", "Maximum size of metadata associated with an offset commit."),
        new(LogCleanerEnable, ConfigType.Boolean, "true", "Enable the log cleaner process for compacted topics."),
        new(LogCleanerBackoffMs, ConfigType.Long, "15000", "Time the cleaner sleeps when there are no logs to clean.", Validator: Validators.AtLeast(0)),
        new(DeleteTopicEnable, ConfigType.Boolean, "true", "Enables deleting topics."),
        new("log.dirs", ConfigType.String, null, "The directory in which the log data is kept.", ReadOnly: true),
        new("node.id", ConfigType.Int, "1", "The node id of this broker.", ReadOnly: true),
        new("broker.id", ConfigType.Int, "1", "The broker id of this broker.", ReadOnly: true),
        new("listeners", ConfigType.String, null, "Listener addresses.", ReadOnly: true),
        new("advertised.listeners", ConfigType.String, null, "Listener addresses published to clients.", ReadOnly: true),
        new("process.roles", ConfigType.List, "broker,controller", "The roles this process plays.", ReadOnly: true),
        new(OffsetsTopicReplicationFactor, ConfigType.Short, "1", "Replication factor of the offsets topic (an embedded cluster makes it min(3, nodes)).", Validator: Validators.AtLeast(1)),
        new(BrokerHeartbeatIntervalMs, ConfigType.Int, "500", "How often a node heartbeats to the controller (Kafka's default is 2000; shorter here so failover shows within seconds).", Validator: Validators.AtLeast(1)),
        new(BrokerSessionTimeoutMs, ConfigType.Int, "2500", "A node that has not heartbeated this long is fenced and loses its leaderships (Kafka's default is 9000).", Validator: Validators.AtLeast(1)),
        new(ReplicaLagTimeMaxMs, ConfigType.Long, "30000", "A follower that has not caught up with the leader's log end for this long leaves the ISR.", Validator: Validators.AtLeast(1)),
        new(ReplicaFetchWaitMaxMs, ConfigType.Int, "500", "Longest a follower's fetch waits at the leader for new records.", Validator: Validators.AtLeast(1)),
        new(ReplicaFetchMaxBytes, ConfigType.Int, "1048576", "Bytes a follower asks for per partition per fetch.", Validator: Validators.AtLeast(1)),
        new(LeaderReplicationThrottledRate, ConfigType.Long, long.MaxValue.ToString(CultureInfo.InvariantCulture), "Bytes per second a leader sends to the throttled replicas (leader.replication.throttled.replicas) of followers outside the ISR; changeable at run time per broker.", Validator: Validators.AtLeast(0), Dynamic: true),
        new(FollowerReplicationThrottledRate, ConfigType.Long, long.MaxValue.ToString(CultureInfo.InvariantCulture), "Bytes per second a follower fetches for its throttled replicas (follower.replication.throttled.replicas) while outside the ISR; changeable at run time per broker.", Validator: Validators.AtLeast(0), Dynamic: true),
        new(TransactionStateLogReplicationFactor, ConfigType.Short, "1", "Replication factor of the transaction topic (an embedded cluster makes it min(3, nodes)).", Validator: Validators.AtLeast(1)),
        new(TransactionStateLogNumPartitions, ConfigType.Int, "50", "Number of partitions of the transaction topic.", Validator: Validators.AtLeast(1)),
        new(TransactionMaxTimeoutMs, ConfigType.Int, "900000", "The longest transaction.timeout.ms a producer may ask for; the coordinator aborts a transaction open longer than its own timeout.", Validator: Validators.AtLeast(1)),
        new("sasl.jaas.config", ConfigType.Password, null, "JAAS login context parameters for SASL connections.", ReadOnly: true, Sensitive: true),
    ];
}
