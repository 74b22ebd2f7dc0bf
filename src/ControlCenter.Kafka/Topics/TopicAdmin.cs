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
        try
        {
            await Client.CreateTopicsAsync(
                [new TopicSpecification { Name = spec.Name, NumPartitions = spec.Partitions, ReplicationFactor = spec.ReplicationFactor, Configs = spec.Configs.ToDictionary() }],
                new CreateTopicsOptions { ValidateOnly = validateOnly, RequestTimeout = Timeout, OperationTimeout = Timeout });
            if (!validateOnly)
            {
                logger.LogInformation("Created topic {Topic} ({Partitions} partitions, RF {RF})", spec.Name, spec.Partitions, spec.ReplicationFactor);
                cluster.RequestRefresh();
            }
            return AdminResult.Ok;
        }
        catch (CreateTopicsException e) { return Failure(e.Results[0].Error); }
        catch (KafkaException e) { return Failure(e.Error); }
    }

    public async Task<AdminResult> DeleteAsync(string topic)
    {
        try
        {
            await Client.DeleteTopicsAsync([topic], new DeleteTopicsOptions { RequestTimeout = Timeout, OperationTimeout = Timeout });
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
                new CreatePartitionsOptions { RequestTimeout = Timeout, OperationTimeout = Timeout });
            logger.LogInformation("Topic {Topic} grown to {Partitions} partitions", topic, newTotal);
            cluster.RequestRefresh();
            return AdminResult.Ok;
        }
        catch (CreatePartitionsException e) { return Failure(e.Results[0].Error); }
        catch (KafkaException e) { return Failure(e.Error); }
    }

    /// <summary>Purge: DeleteRecords up to the high watermark of the given partitions (all when null).</summary>
    public async Task<(AdminResult Result, IReadOnlyDictionary<int, long> NewLowWatermarks)> PurgeAsync(string topic, IEnumerable<int> partitions)
    {
        var targets = partitions.Select(p => new TopicPartitionOffset(topic, p, Offset.End)).ToList();
        try
        {
            var results = await Client.DeleteRecordsAsync(targets, new DeleteRecordsOptions { RequestTimeout = Timeout, OperationTimeout = Timeout });
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
            new DescribeConfigsOptions { RequestTimeout = Timeout });
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
                new IncrementalAlterConfigsOptions { RequestTimeout = Timeout });
            logger.LogInformation("Topic {Topic}: {Config} {Action}", topic, name, value is null ? "reset to default" : "set");
            return AdminResult.Ok;
        }
        catch (IncrementalAlterConfigsException e) { return Failure(e.Results[0].Error); }
        catch (KafkaException e) { return Failure(e.Error); }
    }

    private static AdminResult Failure(Error error) =>
        AdminResult.Failed(string.IsNullOrEmpty(error.Reason) ? error.Code.ToString() : error.Reason, error.Code.ToString());
}
