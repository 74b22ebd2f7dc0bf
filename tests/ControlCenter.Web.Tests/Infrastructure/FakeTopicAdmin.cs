using ControlCenter.Kafka.Topics;

namespace ControlCenter.Web.Tests.Infrastructure;

/// <summary>Records what the form would send (bUnit only); answers with a scripted result.</summary>
public sealed class FakeTopicAdmin : ITopicAdmin
{
    public List<(TopicSpec Spec, bool ValidateOnly)> Creates { get; } = [];
    public AdminResult NextResult { get; set; } = AdminResult.Ok;

    public Task<AdminResult> CreateAsync(TopicSpec spec, bool validateOnly)
    {
        Creates.Add((spec, validateOnly));
        return Task.FromResult(NextResult);
    }

    public Task<AdminResult> DeleteAsync(string topic) => Task.FromResult(NextResult);
    public Task<AdminResult> AddPartitionsAsync(string topic, int newTotal) => Task.FromResult(NextResult);
    public Task<AdminResult> ElectPreferredLeadersAsync(string topic, IEnumerable<int> partitions) => Task.FromResult(NextResult);
    /// <summary>Last stable offsets the fake answers; partitions not listed have none.</summary>
    public Dictionary<int, long> LastStableOffsets { get; } = [];
    public Task<IReadOnlyDictionary<int, long>> LastStableOffsetsAsync(string topic, IEnumerable<int> partitions) =>
        Task.FromResult<IReadOnlyDictionary<int, long>>(partitions.Where(LastStableOffsets.ContainsKey).ToDictionary(p => p, p => LastStableOffsets[p]));
    public Task<(AdminResult Result, IReadOnlyDictionary<int, long> NewLowWatermarks)> PurgeAsync(string topic, IEnumerable<int> partitions) =>
        Task.FromResult<(AdminResult, IReadOnlyDictionary<int, long>)>((NextResult, new Dictionary<int, long>()));
    public IReadOnlyList<TopicConfigEntry> Configs { get; set; } = [];
    public Task<IReadOnlyList<TopicConfigEntry>> DescribeConfigsAsync(string topic) => Task.FromResult(Configs);
    public Task<AdminResult> SetConfigAsync(string topic, string name, string? value) => Task.FromResult(NextResult);
}

public sealed class FakeProbe : IPartitionProbe
{
    public Task<ProbeResult> MeasureAsync(ProbeOptions options, IProgress<ProbeProgress>? progress, CancellationToken cancellation)
    {
        progress?.Report(new ProbeProgress("Producing", 0.25, 1024, 40));
        return Task.FromResult(new ProbeResult(40, 80, 1000, 1024 * 1000, "probe"));
    }
}
