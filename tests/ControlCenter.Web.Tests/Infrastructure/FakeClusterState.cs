using ControlCenter.Kafka.Cluster;

namespace ControlCenter.Web.Tests.Infrastructure;

/// <summary>A cluster state the test sets by hand (bUnit component tests only).</summary>
public sealed class FakeClusterState : IClusterState
{
    public ClusterStatus Status { get; private set; } = new(ConnectionState.Connecting, "broker-a:9092", null, DateTimeOffset.UtcNow, null);
    public ClusterOverview? Overview { get; private set; }
    public string DisplayName { get; set; } = "Test cluster";
    public event Action? Changed;
    public int RefreshRequests { get; private set; }
    public void RequestRefresh() => RefreshRequests++;

    public static ClusterOverview SampleOverview() => new(
        "Zq3vKc1nT3O2m8Y4lNq5Rw", 2,
        [new BrokerInfo(1, "broker-a", 9092, "rack-1", false), new BrokerInfo(2, "broker-b", 9093, null, true)],
        [
            new TopicSummary("orders", 6, 2, false, 0, 0),
            new TopicSummary("payments", 3, 2, false, 1, 0),
            new TopicSummary("__consumer_offsets", 50, 2, true, 0, 0),
        ],
        DateTimeOffset.UtcNow);

    public void Connect(ClusterOverview? overview = null)
    {
        Overview = overview ?? SampleOverview();
        Status = new ClusterStatus(ConnectionState.Connected, "broker-a:9092", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        Changed?.Invoke();
    }

    public void Disconnect(string error)
    {
        Status = new ClusterStatus(ConnectionState.Unreachable, "broker-a:9092", error, DateTimeOffset.UtcNow, null);
        Changed?.Invoke();
    }
}
