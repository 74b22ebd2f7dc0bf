using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Cluster;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Kafka.Topics;

/// <summary>
/// Topic operations of the dashboard, each one admin call through the shared AdminClient.
/// Failures come back as <see cref="AdminResult"/> with Kafka's reason, never as exceptions
/// the page has to know about; after a change the monitor is asked to refresh at once.
/// </summary>
public sealed class TopicAdmin(ClusterAdmin admin, IClusterState cluster, ILogger<TopicAdmin> logger) : ITopicAdmin
{
    private IAdminClient Client => admin.Client;
    private TimeSpan Timeout => admin.Timeout;

    public async Task<AdminResult> CreateAsync(TopicSpec spec, bool validateOnly)
    {
        // Creating partitions takes the cluster time per partition: a big topic gets a longer wait than the admin default.
        var timeout = CreationTimeout(spec.Partitions * spec.ReplicationFactor);
        try
        {
            await Client.CreateTopicsAsync(
                [new TopicSpecification { Name = spec.Name, NumPartitions = spec.Partitions, ReplicationFactor = spec.ReplicationFactor, Configs = spec.Configs.ToDictionary() }],
                new CreateTopicsOptions { ValidateOnly = validateOnly, RequestTimeout = timeout, OperationTimeout = timeout }).OffPollThread();
            if (!validateOnly)
            {
                logger.LogInformation("Created topic {Topic} ({Partitions} partitions, RF {RF})", spec.Name, spec.Partitions, spec.ReplicationFactor);
                cluster.RequestRefresh();
            }
            return AdminResult.Ok;
        }
        catch (CreateTopicsException e) when (!validateOnly && IsTimeout(e.Results[0].Error)) { return await AfterTimeoutAsync(spec, e.Results[0].Error); }
        catch (KafkaException e) when (!validateOnly && IsTimeout(e.Error)) { return await AfterTimeoutAsync(spec, e.Error); }
        catch (CreateTopicsException e) { return Failure(e.Results[0].Error); }
        catch (KafkaException e) { return Failure(e.Error); }
    }

    /// <summary>The admin timeout, plus a little per partition replica the cluster has to create.</summary>
    internal TimeSpan CreationTimeout(long replicas) => Timeout + TimeSpan.FromMilliseconds(Math.Min(replicas, 1_000_000) * 2);

    private static bool IsTimeout(Error error) => error.Code is ErrorCode.Local_TimedOut or ErrorCode.RequestTimedOut;

    /// <summary>
    /// The client gave up waiting, but the cluster may have created the topic anyway (it keeps
    /// going): look it up before saying anything, instead of "failed" now and "already exists" next.
    /// </summary>
    private async Task<AdminResult> AfterTimeoutAsync(TopicSpec spec, Error timeout)
    {
        for (int attempt = 0; attempt < 5; attempt++)
        {
            int? partitions = await PartitionCountAsync(spec.Name);
            if (partitions == spec.Partitions)
            {
                logger.LogInformation("Created topic {Topic} ({Partitions} partitions): the cluster answered after the client's timeout", spec.Name, spec.Partitions);
                cluster.RequestRefresh();
                return AdminResult.Ok;
            }
            await Task.Delay(CreationTimeout(spec.Partitions * spec.ReplicationFactor) / 5);
        }
        cluster.RequestRefresh();
        return AdminResult.Failed($"The cluster did not confirm within {CreationTimeout(spec.Partitions * spec.ReplicationFactor).TotalSeconds:0} s ({timeout.Reason}), " +
            $"and topic '{spec.Name}' does not exist (yet): it may still appear. Check the topics list before trying again.", timeout.Code.ToString());
    }

    /// <summary>The topic's partition count from a fresh metadata read, or null when it does not exist.</summary>
    private async Task<int?> PartitionCountAsync(string topic)
    {
        try
        {
            var described = await Client.DescribeTopicsAsync(TopicCollection.OfTopicNames([topic]), new DescribeTopicsOptions { RequestTimeout = Timeout }).OffPollThread();
            return described.TopicDescriptions[0].Partitions.Count;
        }
        catch (KafkaException) { return null; } // unknown topic, or the cluster is busy: not confirmed
    }

    public async Task<AdminResult> DeleteAsync(string topic)
    {
        try
        {
            await Client.DeleteTopicsAsync([topic], new DeleteTopicsOptions { RequestTimeout = Timeout, OperationTimeout = Timeout }).OffPollThread();
            logger.LogInformation("Deleted topic {Topic}", topic);
            cluster.RequestRefresh();
            return AdminResult.Ok;
        }
        catch (DeleteTopicsException e) { return Failure(e.Results[0].Error); }
        catch (KafkaException e) { return Failure(e.Error); }
    }

    public async Task<AdminResult> AddPartitionsAsync(string topic, int newTotal)
    {
        try
        {
            await Client.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = newTotal }],
                new CreatePartitionsOptions { RequestTimeout = Timeout, OperationTimeout = Timeout }).OffPollThread();
            logger.LogInformation("Topic {Topic} grown to {Partitions} partitions", topic, newTotal);
            cluster.RequestRefresh();
            return AdminResult.Ok;
        }
        catch (CreatePartitionsException e) { return Failure(e.Results[0].Error); }
        catch (KafkaException e) { return Failure(e.Error); }
    }

    public Task<IReadOnlyDictionary<int, long>> LastStableOffsetsAsync(string topic, IEnumerable<int> partitions) => ClusterCall.RunAsync(async () =>
    {
        var offsets = await admin.ListOffsetsAsync(partitions.Select(p => new TopicPartition(topic, p)).ToList(), OffsetSpec.Latest(), IsolationLevel.ReadCommitted);
        return (IReadOnlyDictionary<int, long>)offsets.ToDictionary(o => o.Key.Partition.Value, o => o.Value);
    });

    public async Task<AdminResult> ElectPreferredLeadersAsync(string topic, IEnumerable<int> partitions)
    {
        var targets = partitions.Select(p => new TopicPartition(topic, p)).ToList();
        try
        {
            await Client.ElectLeadersAsync(ElectionType.Preferred, targets, new ElectLeadersOptions { RequestTimeout = Timeout, OperationTimeout = Timeout }).OffPollThread();
            logger.LogInformation("Elected the preferred leaders of {Count} partition(s) of {Topic}", targets.Count, topic);
            cluster.RequestRefresh();
            return AdminResult.Ok;
        }
        catch (ElectLeadersException e)
        {
            cluster.RequestRefresh();
            // "Not needed" is success: the preferred replica already leads.
            var failed = e.Results.TopicPartitions.FirstOrDefault(r => r.Error.IsError && r.Error.Code != ErrorCode.ElectionNotNeeded);
            return failed is null ? AdminResult.Ok : Failure(failed.Error);
        }
        catch (KafkaException e) { return Failure(e.Error); }
    }

    /// <summary>Purge: DeleteRecords up to the high watermark of the given partitions (all when null).</summary>
    public async Task<(AdminResult Result, IReadOnlyDictionary<int, long> NewLowWatermarks)> PurgeAsync(string topic, IEnumerable<int> partitions)
    {
        var targets = partitions.Select(p => new TopicPartitionOffset(topic, p, Offset.End)).ToList();
        try
        {
            var results = await Client.DeleteRecordsAsync(targets, new DeleteRecordsOptions { RequestTimeout = Timeout, OperationTimeout = Timeout }).OffPollThread();
            logger.LogInformation("Purged {Count} partition(s) of {Topic}", targets.Count, topic);
            cluster.RequestRefresh();
            return (AdminResult.Ok, results.ToDictionary(r => r.Partition.Value, r => r.Offset.Value));
        }
        catch (DeleteRecordsException e)
        {
            var failed = e.Results.First(r => r.Error.IsError);
            cluster.RequestRefresh();
            return (Failure(failed.Error), e.Results.Where(r => !r.Error.IsError).ToDictionary(r => r.Partition.Value, r => r.Offset.Value));
        }
        catch (KafkaException e) { return (Failure(e.Error), new Dictionary<int, long>()); }
    }

    /// <summary>Every config of the topic with its default value (the synonym a reset falls back to).</summary>
    public Task<IReadOnlyList<TopicConfigEntry>> DescribeConfigsAsync(string topic) => ClusterCall.RunAsync(() => DescribeConfigsCoreAsync(topic));

    private async Task<IReadOnlyList<TopicConfigEntry>> DescribeConfigsCoreAsync(string topic)
    {
        var results = await Client.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = topic }],
            new DescribeConfigsOptions { RequestTimeout = Timeout }).OffPollThread();
        return results[0].Entries.Values.Select(e =>
        {
            var view = ClusterAdmin.ToView(e);
            string? defaultValue = e.Synonyms?.FirstOrDefault(s => s.Source != ConfigSource.DynamicTopicConfig)?.Value
                                   ?? (e.Source == ConfigSource.DynamicTopicConfig ? null : e.Value);
            return new TopicConfigEntry(e.Name, view.Value, e.IsSensitive ? null : defaultValue, view.Source, e.IsReadOnly, e.IsSensitive, null);
        }).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Sets one dynamic config (IncrementalAlterConfigs SET); null value resets it (DELETE).</summary>
    public async Task<AdminResult> SetConfigAsync(string topic, string name, string? value)
    {
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = topic };
        var entry = new ConfigEntry { Name = name, Value = value, IncrementalOperation = value is null ? AlterConfigOpType.Delete : AlterConfigOpType.Set };
        try
        {
            await Client.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>> { [resource] = [entry] },
                new IncrementalAlterConfigsOptions { RequestTimeout = Timeout }).OffPollThread();
            logger.LogInformation("Topic {Topic}: {Config} {Action}", topic, name, value is null ? "reset to default" : "set");
            return AdminResult.Ok;
        }
        catch (IncrementalAlterConfigsException e) { return Failure(e.Results[0].Error); }
        catch (KafkaException e) { return Failure(e.Error); }
    }

    private static AdminResult Failure(Error error) =>
        AdminResult.Failed(string.IsNullOrEmpty(error.Reason) ? error.Code.ToString() : error.Reason, error.Code.ToString());
}
