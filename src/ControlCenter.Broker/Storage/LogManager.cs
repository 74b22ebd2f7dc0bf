using System.Collections.Concurrent;
using ControlCenter.Broker.Config;
using ControlCenter.Broker.Metadata;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol;
using ControlCenter.LogFormat.Files;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Storage;

/// <summary>
/// Owns the log directory (Kafka's LogManager): loads every partition at start-up, creates and
/// deletes topics and partitions, keeps the log-dir checkpoints and meta.properties, and runs
/// retention in the background.
/// </summary>
internal sealed partial class LogManager : IDisposable
{
    private const long ProducerIdBlockSize = 1000;
    private readonly ConcurrentDictionary<string, TopicState> _topics = new(StringComparer.Ordinal);
    // Requests from Kafka 4.x clients name topics by id (Fetch v13+, Produce v13): kept beside _topics, changed with it under the metadata lock.
    private readonly ConcurrentDictionary<Guid, TopicState> _topicsById = new();
    private readonly object _metadataLock = new();
    private readonly ClusterMetadataStore _store;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string Topic, int Partition), long> _cleanerCheckpoints = new();
    private readonly LogCleaner _cleaner;
    private long _nextProducerId;
    private long _producerIdBlockEnd;

    /// <param name="clusterId">The cluster's id when this node joins a cluster (its meta.properties must agree); null makes one for a single broker.</param>
    public LogManager(string dataDir, int nodeId, BrokerConfig config, ILogger logger, TimeProvider time, int maxOpenFiles = 4096, string? clusterId = null)
    {
        Time = time;
        Deleter = new DelayedDeleter(time);
        Files = new FileHandlePool(maxOpenFiles);
        DataDir = Path.GetFullPath(dataDir);
        NodeId = nodeId;
        BrokerConfig = config;
        _logger = logger;
        _store = new ClusterMetadataStore(DataDir);
        _cleaner = new LogCleaner(logger);
        Directory.CreateDirectory(DataDir);
        ClusterId = LoadOrCreateMetaProperties(clusterId);
    }

    public string DataDir { get; }
    public int NodeId { get; }
    public string ClusterId { get; }
    public BrokerConfig BrokerConfig { get; }
    /// <summary>The broker's one clock: retention, cleaning, segment ages and group timeouts all read it.</summary>
    public TimeProvider Time { get; }
    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();
    public DelayedDeleter Deleter { get; }
    public FileHandlePool Files { get; }
    private LogServices Services => new(Deleter, Files, _logger, Time);
    public bool HadCleanShutdown { get; private set; }

    public IEnumerable<TopicState> Topics => _topics.Values;
    public TopicState? GetTopic(string name) => _topics.TryGetValue(name, out var t) ? t : null;
    public TopicState? GetTopic(Guid id) => _topicsById.TryGetValue(id, out var t) ? t : null;

    public UnifiedLog? GetLog(string topic, int partition) =>
        _topics.TryGetValue(topic, out var t) && partition >= 0 && partition < t.Partitions.Length ? t.Partitions[partition] : null;

    private string LoadOrCreateMetaProperties(string? expectedClusterId)
    {
        string path = Path.Combine(DataDir, LogFileNames.MetaPropertiesFile);
        var props = MetaPropertiesFile.Read(path);
        if (props.TryGetValue("cluster.id", out var clusterId) && clusterId.Length > 0)
        {
            if (props.TryGetValue("node.id", out var node) && node != NodeId.ToString())
                throw new InvalidOperationException($"{path} belongs to node {node}, not {NodeId}");
            if (expectedClusterId is not null && clusterId != expectedClusterId)
                throw new InvalidOperationException($"{path} belongs to cluster {clusterId}, not {expectedClusterId}: this data dir is another cluster's");
            return clusterId;
        }
        clusterId = expectedClusterId ?? UuidCodec.ToBase64Url(Guid.NewGuid());
        MetaPropertiesFile.Write(path, new Dictionary<string, string>
        {
            ["version"] = "1",
            ["cluster.id"] = clusterId,
            ["node.id"] = NodeId.ToString(),
            ["directory.id"] = UuidCodec.ToBase64Url(Guid.NewGuid()),
        });
        return clusterId;
    }

    // ------------------------------------------------------------------ start-up

    /// <summary>Loads topics and every partition log; recovers after an unclean shutdown.</summary>
    public void LoadAll()
    {
        string marker = Path.Combine(DataDir, LogFileNames.CleanShutdownFile);
        HadCleanShutdown = File.Exists(marker);
        var recoveryPoints = ReadCheckpoint(LogFileNames.RecoveryPointCheckpointFile);
        var highWatermarks = ReadCheckpoint(LogFileNames.ReplicationOffsetCheckpointFile);
        var logStartOffsets = ReadCheckpoint(LogFileNames.LogStartOffsetCheckpointFile);
        foreach (var (key, offset) in ReadCheckpoint(LogFileNames.CleanerOffsetCheckpointFile)) _cleanerCheckpoints[key] = offset;

        foreach (var dir in Directory.EnumerateDirectories(DataDir, "*" + LogFileNames.DeleteDirSuffix))
            Directory.Delete(dir, recursive: true); // deletions that were pending when we stopped

        var records = _store.Load() is { } loaded ? loaded.Topics : [];
        _producerIdBlockEnd = _store.Load()?.NextProducerIdBlock ?? 0;
        _nextProducerId = _producerIdBlockEnd;
        records = AdoptUnknownPartitionDirs(records);

        foreach (var record in records)
        {
            var topic = new TopicState(record.Name, record.Id, record.IsInternal)
            {
                Configs = record.Configs,
                LogConfig = LogConfig.Create(BrokerConfig, record.Configs),
            };
            var logs = new UnifiedLog?[record.Partitions];
            Parallel.For(0, record.Partitions, p =>
            {
                var key = (record.Name, p);
                if (HoldsReplicasOnly && !Directory.Exists(PartitionDir(record.Name, p))) return; // not a replica here
                logs[p] = UnifiedLog.Load(PartitionDir(record.Name, p), record.Name, p, topic.LogConfig,
                    recoveryPoints.GetValueOrDefault(key), logStartOffsets.GetValueOrDefault(key),
                    HadCleanShutdown, Services);
                // Not in the checkpoint: the log start, as Kafka assumes (a replica never shows more than it knows committed).
                logs[p]!.InitHighWatermark(highWatermarks.GetValueOrDefault(key, 0));
                WritePartitionMetadata(record.Name, p, record.Id);
            });
            topic.Partitions = logs;
            _topics[record.Name] = topic;
            _topicsById[record.Id] = topic;
        }
        File.Delete(marker);
        SaveMetadata();
        _logger.LogInformation("Loaded {Topics} topics ({Partitions} partitions) from {Dir}{Kind}",
            _topics.Count, _topics.Values.Sum(t => t.Partitions.Length), DataDir,
            records.Count == 0 ? "" : HadCleanShutdown ? " after a clean shutdown" : " after an unclean shutdown: recovered from the log");
    }

    /// <summary>Partition dirs without metadata (e.g. a lost metadata file) are adopted, never silently ignored.</summary>
    private List<TopicRecord> AdoptUnknownPartitionDirs(List<TopicRecord> known)
    {
        var result = known.ToList();
        var names = known.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var found = Directory.EnumerateDirectories(DataDir)
            .Select(d => LogFileNames.ParsePartitionDir(Path.GetFileName(d)))
            .Where(p => p is not null && TopicNames.Validate(p.Value.Topic) is null)
            .Select(p => p!.Value)
            .GroupBy(p => p.Topic);
        foreach (var group in found)
        {
            if (names.Contains(group.Key)) continue;
            int partitions = group.Max(p => p.Partition) + 1;
            Guid id = PartitionMetadataFile.Read(Path.Combine(PartitionDir(group.Key, 0), LogFileNames.PartitionMetadataFile)) ?? Guid.NewGuid();
            _logger.LogWarning("Adopting partition directories of topic {Topic} ({Partitions} partitions) found on disk", group.Key, partitions);
            result.Add(new TopicRecord(group.Key, id, partitions, [], TopicNames.IsInternal(group.Key)));
        }
        return result;
    }

    private Dictionary<(string Topic, int Partition), long> ReadCheckpoint(string name)
    {
        try { return OffsetCheckpointFile.Read(Path.Combine(DataDir, name)); }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            _logger.LogWarning("Ignoring unreadable checkpoint {File}: {Error}", name, e.Message);
            return [];
        }
    }

    public string PartitionDir(string topic, int partition) => Path.Combine(DataDir, LogFileNames.PartitionDirName(topic, partition));

    private void WritePartitionMetadata(string topic, int partition, Guid id) =>
        PartitionMetadataFile.Write(Path.Combine(PartitionDir(topic, partition), LogFileNames.PartitionMetadataFile), id);

    private void SaveMetadata()
    {
        lock (_metadataLock)
            _store.Save(_topics.Values.Select(t => new TopicRecord(t.Name, t.Id, t.Partitions.Length, t.Configs.ToDictionary(), t.IsInternal)),
                _producerIdBlockEnd);
    }

    // ------------------------------------------------------------------ producer ids

    /// <summary>Allocates a producer id; ids are reserved in persisted blocks so they never repeat across restarts.</summary>
    public long NextProducerId()
    {
        if (Controller is { } controller) return controller.NextProducerId();
        lock (_metadataLock)
        {
            if (_nextProducerId >= _producerIdBlockEnd)
            {
                _producerIdBlockEnd = _nextProducerId + ProducerIdBlockSize;
                _store.Save(_topics.Values.Select(t => new TopicRecord(t.Name, t.Id, t.Partitions.Length, t.Configs.ToDictionary(), t.IsInternal)),
                    _producerIdBlockEnd);
            }
            return _nextProducerId++;
        }
    }

    // ------------------------------------------------------------------ background work

    /// <summary>One retention pass over every partition; returns the number of segments deleted.</summary>
    public int RunRetention()
    {
        long now = NowMs;
        int deleted = 0;
        foreach (var log in _topics.Values.SelectMany(t => t.LocalLogs)) deleted += log.DeleteOldSegments(now);
        return deleted;
    }

    /// <summary>One cleaner pass over compacted topics; returns the number of partitions cleaned.</summary>
    public int RunCleaner(bool force = false)
    {
        if (!BrokerConfig.GetBool(BrokerConfigKeys.LogCleanerEnable)) return 0;
        long now = NowMs;
        int cleaned = 0;
        foreach (var log in _topics.Values.Where(t => t.LogConfig.Compact).SelectMany(t => t.LocalLogs))
        {
            var key = (log.Topic, log.Partition);
            if (_cleaner.MaybeClean(log, _cleanerCheckpoints.GetValueOrDefault(key), now, force) is { } result)
            {
                _cleanerCheckpoints[key] = result.FirstDirtyOffset;
                cleaned++;
            }
        }
        if (cleaned > 0)
            OffsetCheckpointFile.Write(Path.Combine(DataDir, LogFileNames.CleanerOffsetCheckpointFile),
                _cleanerCheckpoints.Where(kv => GetLog(kv.Key.Topic, kv.Key.Partition) is not null));
        return cleaned;
    }

    public long CleanerBackoffMs => BrokerConfig.GetLong(BrokerConfigKeys.LogCleanerBackoffMs);

    // ------------------------------------------------------------------ checkpoints and shutdown

    public void WriteCheckpoints()
    {
        var logs = _topics.Values.SelectMany(t => t.LocalLogs).ToList();
        OffsetCheckpointFile.Write(Path.Combine(DataDir, LogFileNames.RecoveryPointCheckpointFile),
            logs.Select(l => KeyValuePair.Create((l.Topic, l.Partition), l.RecoveryPoint)));
        OffsetCheckpointFile.Write(Path.Combine(DataDir, LogFileNames.LogStartOffsetCheckpointFile),
            logs.Select(l => KeyValuePair.Create((l.Topic, l.Partition), l.LogStartOffset)));
        OffsetCheckpointFile.Write(Path.Combine(DataDir, LogFileNames.ReplicationOffsetCheckpointFile),
            logs.Select(l => KeyValuePair.Create((l.Topic, l.Partition), l.HighWatermark)));
    }

    /// <summary>Clean shutdown: close every log, write checkpoints, then the clean-shutdown marker.</summary>
    public void Shutdown()
    {
        foreach (var log in _topics.Values.SelectMany(t => t.LocalLogs)) log.Close();
        WriteCheckpoints();
        Deleter.Dispose();
        File.WriteAllBytes(Path.Combine(DataDir, LogFileNames.CleanShutdownFile), []);
        _logger.LogInformation("Log manager shut down cleanly");
    }

    /// <summary>A crash: files closed so the process can reopen them, but nothing flushed, checkpointed or marked clean.</summary>
    public void Abandon()
    {
        foreach (var log in _topics.Values.SelectMany(t => t.LocalLogs)) log.Abandon();
        Deleter.Dispose();
    }

    public void Dispose() => Deleter.Dispose();

    private static KafkaErrorException Error(ErrorCode code, string message) => new(code, message);
}
