using ControlCenter.Kafka.Cluster;

namespace ControlCenter.Web.Tests.Infrastructure;

/// <summary>A cluster state the test sets by hand (bUnit component tests only).</summary>
public sealed class FakeClusterState : IClusterState
{
    public ClusterStatus Status { get; private set; } = new(ConnectionState.Connecting, "broker-a:9092", null, DateTimeOffset.UtcNow, null);
    public ClusterSnapshot? Snapshot { get; private set; }
    public ClusterOverview? Overview => Snapshot?.Overview;
    public string DisplayName { get; set; } = "Test cluster";
    public IReadOnlyDictionary<string, ControlCenter.Kafka.Groups.GroupLag> GroupLags { get; set; } = new Dictionary<string, ControlCenter.Kafka.Groups.GroupLag>();
    public DateTimeOffset? GroupsReadAt { get; set; }
    public event Action? Changed;
    public int RefreshRequests { get; private set; }
    public void RequestRefresh() => RefreshRequests++;
    public Task NextTickAsync(CancellationToken cancellation = default) => Task.CompletedTask;
    public Task RefreshAsync(CancellationToken cancellation = default) { RequestRefresh(); return Task.CompletedTask; }

    public static ClusterSnapshot SampleSnapshot(int controller = 2)
    {
        static TopicSnapshot Topic(string name, int partitions, bool isInternal = false, int underReplicated = 0) =>
            new(name, isInternal, Enumerable.Range(0, partitions).Select(p => new PartitionSnapshot(
                p, 1 + p % 2, [1, 2], p < underReplicated ? [1] : [1, 2], 10 * p, 100 + 10 * p, 4096L * (p + 1))).ToList());
        var topics = new[] { Topic("orders", 6), Topic("payments", 3, underReplicated: 1), Topic("__consumer_offsets", 50, isInternal: true) };
        var overview = new ClusterOverview("Zq3vKc1nT3O2m8Y4lNq5Rw", controller,
            [new BrokerInfo(1, "broker-a", 9092, "rack-1", controller == 1), new BrokerInfo(2, "broker-b", 9093, null, controller == 2)],
            topics.Select(t => new TopicSummary(t.Name, t.Partitions.Count, t.ReplicationFactor, t.IsInternal, t.UnderReplicatedPartitions, t.OfflinePartitions)).ToList(),
            DateTimeOffset.UtcNow);
        return new ClusterSnapshot(overview, topics.ToDictionary(t => t.Name), true, DateTimeOffset.UtcNow);
    }

    public void Connect(ClusterSnapshot? snapshot = null)
    {
        Snapshot = snapshot ?? SampleSnapshot();
        Status = new ClusterStatus(ConnectionState.Connected, "broker-a:9092", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        Changed?.Invoke();
    }

    public void Disconnect(string error)
    {
        Status = new ClusterStatus(ConnectionState.Unreachable, "broker-a:9092", error, DateTimeOffset.UtcNow, null);
        Changed?.Invoke();
    }
}
