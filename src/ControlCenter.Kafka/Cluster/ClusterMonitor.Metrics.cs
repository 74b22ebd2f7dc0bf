namespace ControlCenter.Kafka.Cluster;

public sealed partial class ClusterMonitor
{
    private partial Task OnTickAsync(ClusterOverview overview, CancellationToken stopping) => Task.CompletedTask;
}
