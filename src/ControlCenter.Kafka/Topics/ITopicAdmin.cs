namespace ControlCenter.Kafka.Topics;

/// <summary>Topic operations used by the pages (implemented by <see cref="TopicAdmin"/>).</summary>
public interface ITopicAdmin
{
    Task<AdminResult> CreateAsync(TopicSpec spec, bool validateOnly);
    Task<AdminResult> DeleteAsync(string topic);
    Task<AdminResult> AddPartitionsAsync(string topic, int newTotal);
    /// <summary>Makes each partition's first (preferred) replica its leader again where it is in sync.</summary>
    Task<AdminResult> ElectPreferredLeadersAsync(string topic, IEnumerable<int> partitions);
    Task<(AdminResult Result, IReadOnlyDictionary<int, long> NewLowWatermarks)> PurgeAsync(string topic, IEnumerable<int> partitions);
    Task<IReadOnlyList<TopicConfigEntry>> DescribeConfigsAsync(string topic);
    Task<AdminResult> SetConfigAsync(string topic, string name, string? value);
    /// <summary>Each partition's last stable offset: where read_committed consumers stop (the high watermark unless a transaction is open).</summary>
    Task<IReadOnlyDictionary<int, long>> LastStableOffsetsAsync(string topic, IEnumerable<int> partitions);
}
