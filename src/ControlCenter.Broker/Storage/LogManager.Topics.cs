using System.Globalization;
using ControlCenter.Broker.Config;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Storage;

/// <summary>An incremental config change (IncrementalAlterConfigs operations).</summary>
internal enum ConfigOperation : sbyte { Set = 0, Delete = 1, Append = 2, Subtract = 3 }

internal sealed partial class LogManager
{
    /// <summary>
    /// Creates a topic after checking everything CreateTopics checks; with
    /// <paramref name="validateOnly"/> nothing is created. Errors carry Kafka's codes.
    /// </summary>
    public TopicState? CreateTopic(string name, int numPartitions, short replicationFactor,
        IReadOnlyDictionary<string, string?> configs, bool validateOnly, bool isInternal = false)
    {
        if (Controller is { } controller)
        {
            // A cluster node: the controller decides and publishes; the image has already been applied here when it returns.
            controller.CreateTopic(name, numPartitions, replicationFactor, configs, validateOnly, isInternal);
            return validateOnly ? null : GetTopic(name);
        }
        lock (_metadataLock)
        {
            (numPartitions, replicationFactor, var validated) = ValidateNewTopic(BrokerConfig, name, numPartitions, replicationFactor, configs, _topics.Keys, brokerCount: 1);
            if (validateOnly) return null;

            var topic = new TopicState(name, Guid.NewGuid(), isInternal || TopicNames.IsInternal(name))
            {
                ReplicationFactor = replicationFactor,
                Configs = validated,
                LogConfig = LogConfig.Create(BrokerConfig, validated),
            };
            var logs = new UnifiedLog[numPartitions];
            try
            {
                for (int p = 0; p < numPartitions; p++)
                {
                    logs[p] = UnifiedLog.Load(PartitionDir(name, p), name, p, topic.LogConfig, 0, 0, true, Services);
                    WritePartitionMetadata(name, p, topic.Id);
                }
            }
            catch
            {
                // Nothing half-created: remove whatever partitions were made before the failure.
                foreach (var log in logs.Where(l => l is not null)) log.Delete();
                throw;
            }
            topic.Partitions = logs;
            _topics[name] = topic;
            _topicsById[topic.Id] = topic;
            SaveMetadata();
            _logger.LogInformation("Created topic {Topic} with {Partitions} partition(s)", name, numPartitions);
            return topic;
        }
    }

    /// <summary>
    /// Everything CreateTopics checks, for one broker or a cluster of <paramref name="brokerCount"/>:
    /// name, collisions with <paramref name="existing"/>, counts (-1 = the broker default) and
    /// configs. Returns the resolved partition count, replication factor and configs.
    /// </summary>
    public static (int Partitions, short ReplicationFactor, Dictionary<string, string> Configs) ValidateNewTopic(BrokerConfig config,
        string name, int numPartitions, short replicationFactor, IReadOnlyDictionary<string, string?> configs, IEnumerable<string> existing, int brokerCount)
    {
        if (TopicNames.Validate(name) is { } nameError) throw Error(ErrorCode.InvalidTopicException, nameError);
        if (numPartitions == -1) numPartitions = config.NumPartitions;
        if (replicationFactor == -1) replicationFactor = (short)config.GetInt(BrokerConfigKeys.DefaultReplicationFactor);
        if (numPartitions <= 0) throw Error(ErrorCode.InvalidPartitions, "Number of partitions was set to an invalid non-positive value.");
        if (replicationFactor <= 0) throw Error(ErrorCode.InvalidReplicationFactor, "Replication factor must be larger than 0, or -1 to use the default value.");
        if (replicationFactor > brokerCount)
            throw Error(ErrorCode.InvalidReplicationFactor,
                $"Unable to replicate the partition {replicationFactor} time(s): The target replication factor of {replicationFactor} cannot be reached because only {brokerCount} broker(s) are registered.");
        var validated = ValidateTopicConfigs(configs, replicationFactor);
        var names = existing as ICollection<string> ?? existing.ToList();
        if (names.Contains(name)) throw Error(ErrorCode.TopicAlreadyExists, $"Topic '{name}' already exists.");
        string key = TopicNames.CollisionKey(name);
        var collision = names.FirstOrDefault(t => TopicNames.CollisionKey(t) == key);
        if (collision is not null)
            throw Error(ErrorCode.InvalidTopicException, $"Topic '{name}' collides with existing topic: {collision}");
        return (numPartitions, replicationFactor, validated);
    }

    public void DeleteTopic(string name)
    {
        if (!BrokerConfig.GetBool(BrokerConfigKeys.DeleteTopicEnable))
            throw Error(ErrorCode.TopicAuthorizationFailed, "Topic deletion is disabled (delete.topic.enable=false)");
        if (Controller is { } controller)
        {
            controller.DeleteTopic(name);
            return;
        }
        lock (_metadataLock)
        {
            if (!_topics.TryRemove(name, out var topic))
                throw Error(ErrorCode.UnknownTopicOrPartition, $"This server does not host this topic: {name}");
            _topicsById.TryRemove(topic.Id, out _);
            SaveMetadata();
            // Under the lock: each partition dir is renamed away ("-delete") before a create of the
            // same name can make a new one, which the rename would otherwise take with it.
            foreach (var log in topic.LocalLogs) log.Delete();
        }
        _logger.LogInformation("Deleted topic {Topic}", name);
    }

    /// <summary>CreatePartitions: the count can only grow.</summary>
    public void CreatePartitions(string name, int newCount, bool validateOnly)
    {
        if (Controller is { } controller)
        {
            controller.CreatePartitions(name, newCount, validateOnly);
            return;
        }
        lock (_metadataLock)
        {
            var topic = GetTopic(name) ?? throw Error(ErrorCode.UnknownTopicOrPartition, $"The topic '{name}' does not exist.");
            int current = topic.Partitions.Length;
            if (newCount < current)
                throw Error(ErrorCode.InvalidPartitions, $"Topic currently has {current} partitions, which is higher than the requested {newCount}.");
            if (newCount == current)
                throw Error(ErrorCode.InvalidPartitions, $"Topic already has {current} partitions.");
            if (validateOnly) return;
            var logs = topic.Partitions.ToList();
            for (int p = current; p < newCount; p++)
            {
                logs.Add(UnifiedLog.Load(PartitionDir(name, p), name, p, topic.LogConfig, 0, 0, true, Services));
                WritePartitionMetadata(name, p, topic.Id);
            }
            topic.Partitions = logs.ToArray();
            SaveMetadata();
            _logger.LogInformation("Topic {Topic} now has {Partitions} partitions", name, newCount);
        }
    }

    /// <summary>AlterConfigs semantics: the given set replaces every topic-level override.</summary>
    public void ReplaceTopicConfigs(string name, IReadOnlyDictionary<string, string?> configs, bool validateOnly)
    {
        var topic = GetTopic(name) ?? throw Error(ErrorCode.UnknownTopicOrPartition, $"The topic '{name}' does not exist.");
        ApplyTopicConfigs(name, ValidateTopicConfigs(configs, topic.ReplicationFactor), validateOnly);
    }

    /// <summary>IncrementalAlterConfigs semantics: SET / DELETE / APPEND / SUBTRACT per key.</summary>
    public void IncrementalAlterTopicConfigs(string name, IReadOnlyList<(string Name, ConfigOperation Op, string? Value)> changes, bool validateOnly)
    {
        var topic = GetTopic(name) ?? throw Error(ErrorCode.UnknownTopicOrPartition, $"The topic '{name}' does not exist.");
        var result = topic.Configs.ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
        foreach (var (key, op, value) in changes)
        {
            if (!TopicConfigs.ByName.TryGetValue(key, out var def))
                throw Error(ErrorCode.InvalidConfig, $"Unknown topic config name: {key}");
            switch (op)
            {
                case ConfigOperation.Set: result[key] = value; break;
                case ConfigOperation.Delete: result.Remove(key); break;
                case ConfigOperation.Append or ConfigOperation.Subtract:
                    if (def.Type != ConfigType.List)
                        throw Error(ErrorCode.InvalidConfig, $"Config value append/subtract is not allowed for config key {key} of type {def.Type}");
                    var items = (result.GetValueOrDefault(key) ?? BrokerConfig.TopicDefault(def).Value ?? "")
                        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
                    foreach (var item in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        if (op == ConfigOperation.Append) { if (!items.Contains(item)) items.Add(item); }
                        else items.Remove(item);
                    result[key] = string.Join(",", items);
                    break;
                default:
                    throw Error(ErrorCode.InvalidRequest, $"Unknown config operation {(int)op}");
            }
        }
        ApplyTopicConfigs(name, ValidateTopicConfigs(result, topic.ReplicationFactor), validateOnly);
    }

    private void ApplyTopicConfigs(string name, Dictionary<string, string> validated, bool validateOnly)
    {
        if (Controller is { } controller)
        {
            if (!validateOnly) controller.SetTopicConfigs(name, validated);
            return;
        }
        lock (_metadataLock)
        {
            var topic = GetTopic(name) ?? throw Error(ErrorCode.UnknownTopicOrPartition, $"The topic '{name}' does not exist.");
            if (validateOnly) return;
            topic.Configs = validated;
            topic.LogConfig = LogConfig.Create(BrokerConfig, validated);
            foreach (var log in topic.LocalLogs) log.UpdateConfig(topic.LogConfig);
            SaveMetadata();
            _logger.LogInformation("Updated configs of topic {Topic}: {Configs}", name, string.Join(", ", validated.Select(kv => $"{kv.Key}={kv.Value}")));
        }
    }

    /// <summary>
    /// Every key must be a known topic config and every value valid; returns the cleaned set.
    /// min.insync.replicas above the replication factor is refused: every acks=all write to
    /// such a topic would fail with NOT_ENOUGH_REPLICAS.
    /// </summary>
    public static Dictionary<string, string> ValidateTopicConfigs(IReadOnlyDictionary<string, string?> configs, short replicationFactor)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in configs)
        {
            if (!TopicConfigs.ByName.TryGetValue(key, out var def))
                throw Error(ErrorCode.InvalidConfig, $"Unknown topic config name: {key}");
            if (def.Validate(value) is { } error) throw Error(ErrorCode.InvalidConfig, error);
            result[key] = value!;
        }
        if (result.TryGetValue(TopicConfigs.MinInSyncReplicas, out var minIsr) && int.Parse(minIsr, CultureInfo.InvariantCulture) > replicationFactor)
            throw Error(ErrorCode.InvalidConfig,
                $"Invalid value {minIsr} for configuration {TopicConfigs.MinInSyncReplicas}: must not exceed the replication factor {replicationFactor}, or every acks=all write would fail");
        return result;
    }
}
