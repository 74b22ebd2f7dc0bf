using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Kafka.Cluster;

/// <summary>
/// The app's one long-lived AdminClient (thread-safe, reused by every page and service). It
/// remembers librdkafka's latest error so that "cluster unreachable" can say why.
/// </summary>
public sealed class ClusterAdmin : IDisposable
{
    private readonly ClusterConnection _connection;
    private readonly ILogger<ClusterAdmin> _logger;
    private readonly Lazy<IAdminClient> _client;
    private volatile string? _lastError;

    public ClusterAdmin(ClusterConnection connection, ILogger<ClusterAdmin> logger)
    {
        _connection = connection;
        _logger = logger;
        _client = new Lazy<IAdminClient>(Create, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public IAdminClient Client => _client.Value;
    public TimeSpan Timeout => TimeSpan.FromMilliseconds(_connection.RequestTimeoutMs);
    public string? LastError => _lastError;

    private IAdminClient Create()
    {
        var config = _connection.AdminConfig();
        config.SocketTimeoutMs = Math.Max(_connection.RequestTimeoutMs, 1000);
        return new AdminClientBuilder(config)
            .SetErrorHandler((_, error) => _lastError = error.Reason)
            .SetLogHandler((_, message) =>
            {
                if (message.Level <= SyslogLevel.Warning) _lastError = message.Message;
                _logger.LogDebug("librdkafka {Facility}: {Message}", message.Facility, message.Message);
            })
            .Build();
    }

    public void ClearLastError() => _lastError = null;

    /// <summary>Metadata of all topics and brokers (one Metadata request).</summary>
    public Task<Metadata> GetMetadataAsync(CancellationToken cancellation = default) =>
        Task.Run(() => Client.GetMetadata(Timeout), cancellation);

    public async Task<ClusterOverview> ReadOverviewAsync(CancellationToken cancellation = default)
    {
        var cluster = await Client.DescribeClusterAsync(new DescribeClusterOptions { RequestTimeout = Timeout });
        var metadata = await GetMetadataAsync(cancellation);
        int controller = cluster.Controller?.Id ?? -1;
        var brokers = metadata.Brokers
            .Select(b => new BrokerInfo(b.BrokerId, b.Host, b.Port, cluster.Nodes.FirstOrDefault(n => n.Id == b.BrokerId)?.Rack, b.BrokerId == controller))
            .OrderBy(b => b.Id).ToList();
        var internalTopics = await InternalTopicsAsync(metadata);
        var topics = metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError)
            .Select(t => new TopicSummary(
                t.Topic,
                t.Partitions.Count,
                t.Partitions.Count == 0 ? 0 : t.Partitions.Max(p => p.Replicas.Length),
                internalTopics.Contains(t.Topic),
                t.Partitions.Count(p => p.InSyncReplicas.Length < p.Replicas.Length),
                t.Partitions.Count(p => p.Leader < 0)))
            .OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        return new ClusterOverview(cluster.ClusterId, controller, brokers, topics, DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// Which topics Kafka marks internal. Metadata through librdkafka does not carry the flag, so
    /// the few candidates (names starting with '_') are asked with DescribeTopics.
    /// </summary>
    private async Task<HashSet<string>> InternalTopicsAsync(Metadata metadata)
    {
        var candidates = metadata.Topics.Where(t => t.Topic.StartsWith('_')).Select(t => t.Topic).ToList();
        if (candidates.Count == 0) return [];
        try
        {
            var described = await Client.DescribeTopicsAsync(TopicCollection.OfTopicNames(candidates), new DescribeTopicsOptions { RequestTimeout = Timeout });
            return described.TopicDescriptions.Where(d => d.IsInternal).Select(d => d.Name).ToHashSet();
        }
        catch (DescribeTopicsException e)
        {
            return e.Results.TopicDescriptions.Where(d => d.IsInternal).Select(d => d.Name).ToHashSet();
        }
    }

    /// <summary>DescribeConfigs for one broker, sensitive values masked, sorted by name.</summary>
    public async Task<IReadOnlyList<ConfigEntryView>> DescribeBrokerConfigsAsync(int brokerId)
    {
        var results = await Client.DescribeConfigsAsync(
            [new ConfigResource { Type = ResourceType.Broker, Name = brokerId.ToString() }],
            new DescribeConfigsOptions { RequestTimeout = Timeout });
        return results[0].Entries.Values.Select(ToView).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    public static ConfigEntryView ToView(ConfigEntryResult e) => new(
        e.Name,
        e.IsSensitive ? Secrets.Mask : e.Value,
        e.Source switch
        {
            ConfigSource.DynamicTopicConfig => "topic",
            ConfigSource.DynamicBrokerConfig => "dynamic broker",
            ConfigSource.DynamicDefaultBrokerConfig => "dynamic default",
            ConfigSource.StaticBrokerConfig => "static broker",
            ConfigSource.DefaultConfig => "default",
            _ => "unknown",
        },
        e.IsReadOnly, e.IsSensitive, e.IsDefault || e.Source == ConfigSource.DefaultConfig, null);

    public void Dispose()
    {
        if (_client.IsValueCreated) _client.Value.Dispose();
    }
}
