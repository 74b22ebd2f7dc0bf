namespace ControlCenter.Kafka.Cluster;

public sealed partial class ClusterMonitor
{
    private partial Task OnTickAsync(ClusterSnapshot snapshot, CancellationToken stopping) => Task.CompletedTask;
}
