using ControlCenter.Kafka.Metrics;

namespace ControlCenter.Kafka.Cluster;

public sealed partial class ClusterMonitor
{
    private partial Task OnTickAsync(ClusterSnapshot snapshot, CancellationToken stopping)
    {
        rates.Update(snapshot);
        return Task.CompletedTask;
    }

    partial void OnUnreachable() => rates.Reset();
}
