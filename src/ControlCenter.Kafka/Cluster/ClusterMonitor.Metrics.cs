namespace ControlCenter.Kafka.Cluster;

public sealed partial class ClusterMonitor
{
    private partial Task OnTickAsync(ClusterSnapshot snapshot, CancellationToken stopping)
    {
        metrics.Update(snapshot, GroupLags);
        return Task.CompletedTask;
    }

    partial void OnUnreachable() => metrics.MarkUnreachable(time.GetUtcNow());
}
