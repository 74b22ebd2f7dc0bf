using ControlCenter.Broker.Cluster;
using ControlCenter.LogFormat.Files;

namespace ControlCenter.Broker.Storage;

internal sealed partial class LogManager
{
    /// <summary>True when this node is one of a cluster's: it holds logs only for the partitions it replicates.</summary>
    public bool HoldsReplicasOnly { get; init; }

    /// <summary>
    /// The cluster's controller when this node is one of several: topic changes and producer ids
    /// go to it (never while holding the metadata lock: its answer is applied here synchronously).
    /// </summary>
    public QuorumController? Controller { get; init; }

    /// <summary>
    /// Makes the local topics match a controller image (what a KRaft broker does while
    /// replaying the metadata log): topics appear and go, configs change, partitions are added,
    /// and a log exists exactly for each partition this node is a replica of. Existing logs
    /// keep their data (a restarted node resumes from its own log and catches up).
    /// </summary>
    public void ApplyImage(ClusterImage image)
    {
        var highWatermarks = ReadCheckpoint(LogFileNames.ReplicationOffsetCheckpointFile);
        lock (_metadataLock)
        {
            foreach (var local in _topics.Values.ToList())
                if (!image.Topics.TryGetValue(local.Name, out var wanted) || wanted.Id != local.Id)
                {
                    _topics.TryRemove(local.Name, out _);
                    _topicsById.TryRemove(local.Id, out _);
                    foreach (var log in local.LocalLogs) log.Delete();
                }
            foreach (var wanted in image.Topics.Values)
            {
                var topic = _topics.GetValueOrDefault(wanted.Name);
                bool added = topic is null;
                if (topic is null)
                {
                    // Published below, once its partitions are in place: readers never see a topic without them.
                    topic = new TopicState(wanted.Name, wanted.Id, wanted.IsInternal) { Partitions = [] };
                    topic.Configs = wanted.Configs;
                    topic.LogConfig = LogConfig.Create(BrokerConfig, wanted.Configs);
                }
                else if (!SameConfigs(topic.Configs, wanted.Configs))
                {
                    topic.Configs = wanted.Configs;
                    topic.LogConfig = LogConfig.Create(BrokerConfig, wanted.Configs);
                    foreach (var log in topic.LocalLogs) log.UpdateConfig(topic.LogConfig);
                }
                topic.ReplicationFactor = (short)(wanted.Partitions.FirstOrDefault()?.Replicas.Length ?? 1);
                var logs = topic.Partitions.Length == wanted.Partitions.Length ? topic.Partitions.ToArray() : new UnifiedLog?[wanted.Partitions.Length];
                Array.Copy(topic.Partitions, logs, Math.Min(topic.Partitions.Length, logs.Length));
                for (int p = 0; p < logs.Length; p++)
                {
                    bool replica = wanted.Partitions[p].Replicas.Contains(NodeId);
                    if (replica && logs[p] is null)
                    {
                        var log = UnifiedLog.Load(PartitionDir(wanted.Name, p), wanted.Name, p, topic.LogConfig, 0, 0, true, Services);
                        log.InitHighWatermark(highWatermarks.GetValueOrDefault((wanted.Name, p), 0));
                        WritePartitionMetadata(wanted.Name, p, wanted.Id);
                        logs[p] = log;
                    }
                    else if (!replica && logs[p] is { } gone)
                    {
                        gone.Delete();
                        logs[p] = null;
                    }
                }
                topic.Partitions = logs;
                if (added)
                {
                    _topics[wanted.Name] = topic;
                    _topicsById[wanted.Id] = topic;
                }
            }
            SaveMetadata();
        }
    }

    private static bool SameConfigs(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
