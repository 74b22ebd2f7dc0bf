using ControlCenter.Kafka.Labs;

namespace ControlCenter.Web.Hosting;

/// <summary>The labs' faults, caused on the embedded cluster's nodes (available with two nodes or more).</summary>
public sealed class EmbeddedClusterFaults(EmbeddedBrokerService embedded) : IClusterFaults
{
    public bool IsAvailable => embedded.Cluster is { IsMultiNode: true };
    private Broker.Cluster.EmbeddedCluster Cluster => embedded.Cluster ?? throw new InvalidOperationException("The app manages a configured cluster: there is no embedded cluster");
    public Task KillAsync(int brokerId) => Cluster.KillNodeAsync(brokerId);
    public Task StartAsync(int brokerId) => Cluster.StartNodeAsync(brokerId);
    public Task PauseReplicationAsync(int brokerId) => Cluster.PauseReplicationAsync(brokerId);
    public Task ResumeReplicationAsync(int brokerId) => Cluster.HealNodeAsync(brokerId);
}
