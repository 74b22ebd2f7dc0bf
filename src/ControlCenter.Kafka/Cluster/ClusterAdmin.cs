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
    private readonly Lazy<IAdminClient> _client;
    private volatile string? _lastError;

    public ClusterAdmin(ClusterConnection connection)
    {
        _connection = connection;
        _client = new Lazy<IAdminClient>(Create, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public IAdminClient Client => _client.Value;
    public TimeSpan Timeout => TimeSpan.FromMilliseconds(_connection.RequestTimeoutMs);
    public string? LastError => _lastError;

    private IAdminClient Create() =>
        _connection.CreateAdmin("admin",
            config => config.SocketTimeoutMs = Math.Max(_connection.RequestTimeoutMs, 1000),
            builder => builder.SetErrorHandler((_, error) => _lastError = error.Reason),
            onLog: message => { if (message.Level <= SyslogLevel.Warning) _lastError = message.Message; });

    public void ClearLastError() => _lastError = null;

    /// <summary>Metadata of all topics and brokers (one Metadata request).</summary>
    public Task<Metadata> GetMetadataAsync(CancellationToken cancellation = default) =>
        Task.Run(() => Client.GetMetadata(Timeout), cancellation);

    /// <summary>Cluster id, controller and brokers with racks (DescribeCluster).</summary>
    public async Task<DescribeClusterResult> DescribeClusterAsync() =>
        await Client.DescribeClusterAsync(new DescribeClusterOptions { RequestTimeout = Timeout }).OffPollThread();

    /// <summary>
    /// librdkafka's admin ListOffsets grows quadratically with the partitions in one call
    /// (10,000 partitions: ~500 ms; the broker itself answers in ~3 ms), so large lists go in
    /// chunks of this size, a few at a time. Measured CPU for 10,000 partitions: chunks of 1,000
    /// ~85 ms, 250 ~43 ms, 100 ~35 ms, 50 ~36 ms.
    /// </summary>
    public const int ListOffsetsChunk = 100;

    /// <remarks>Latest with <see cref="IsolationLevel.ReadCommitted"/> is each partition's last stable offset.</remarks>
    public async Task<Dictionary<TopicPartition, long>> ListOffsetsAsync(IReadOnlyCollection<TopicPartition> partitions, OffsetSpec spec, IsolationLevel isolation = IsolationLevel.ReadUncommitted)
    {
        var result = new Dictionary<TopicPartition, long>(partitions.Count);
        foreach (var wave in partitions.Chunk(ListOffsetsChunk).Chunk(4))
        {
            var answers = await Task.WhenAll(wave.Select(chunk => ListOffsetsChunkAsync(chunk, spec, isolation)));
            foreach (var answer in answers)
                foreach (var (tp, offset) in answer) result[tp] = offset;
        }
        return result;
    }

    private async Task<List<(TopicPartition, long)>> ListOffsetsChunkAsync(IEnumerable<TopicPartition> partitions, OffsetSpec spec, IsolationLevel isolation)
    {
        var specs = partitions.Select(tp => new TopicPartitionOffsetSpec { TopicPartition = tp, OffsetSpec = spec }).ToList();
        IEnumerable<ListOffsetsResultInfo> infos;
        try { infos = (await Client.ListOffsetsAsync(specs, new ListOffsetsOptions { RequestTimeout = Timeout, IsolationLevel = isolation }).OffPollThread()).ResultInfos; }
        catch (ListOffsetsException e) { infos = e.Result.ResultInfos; }
        return infos.Where(i => i.TopicPartitionOffsetError.Error.Code == ErrorCode.NoError)
            .Select(i => (i.TopicPartitionOffsetError.TopicPartition, i.TopicPartitionOffsetError.Offset.Value)).ToList();
    }

    /// <summary>
    /// Which topics Kafka marks internal. Metadata through librdkafka does not carry the flag, so
    /// the few candidates (names starting with '_') are asked with DescribeTopics.
    /// </summary>
    public async Task<HashSet<string>> InternalTopicsAsync(Metadata metadata)
    {
        var candidates = metadata.Topics.Where(t => t.Topic.StartsWith('_')).Select(t => t.Topic).ToList();
        if (candidates.Count == 0) return [];
        try
        {
            var described = await Client.DescribeTopicsAsync(TopicCollection.OfTopicNames(candidates), new DescribeTopicsOptions { RequestTimeout = Timeout }).OffPollThread();
            return described.TopicDescriptions.Where(d => d.IsInternal).Select(d => d.Name).ToHashSet();
        }
        catch (DescribeTopicsException e)
        {
            return e.Results.TopicDescriptions.Where(d => d.IsInternal).Select(d => d.Name).ToHashSet();
        }
    }

    /// <summary>DescribeConfigs for one broker, sensitive values masked, sorted by name.</summary>
    public Task<IReadOnlyList<ConfigEntryView>> DescribeBrokerConfigsAsync(int brokerId) => ClusterCall.RunAsync(() => DescribeBrokerConfigsCoreAsync(brokerId));

    private async Task<IReadOnlyList<ConfigEntryView>> DescribeBrokerConfigsCoreAsync(int brokerId)
    {
        var results = await Client.DescribeConfigsAsync(
            [new ConfigResource { Type = ResourceType.Broker, Name = brokerId.ToString() }],
            new DescribeConfigsOptions { RequestTimeout = Timeout }).OffPollThread();
        return results[0].Entries.Values.Select(ToView).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    public static ConfigEntryView ToView(ConfigEntryResult e) => new(
        e.Name,
        e.IsSensitive ? ConfigEntryView.SensitiveMask : e.Value,
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
