namespace ControlCenter.Kafka.Topics;

/// <summary>Measures per-partition throughput on the connected cluster (implemented by <see cref="PartitionProbe"/>).</summary>
public interface IPartitionProbe
{
    Task<ProbeResult> MeasureAsync(ProbeOptions options, IProgress<ProbeProgress>? progress, CancellationToken cancellation);
}
