namespace ControlCenter.Kafka.Labs;

/// <summary>
/// Faults the labs can cause. Only the embedded cluster offers them (a real cluster's brokers
/// are not ours to kill): <see cref="IsAvailable"/> says whether this cluster has several nodes
/// under the app's control.
/// </summary>
public interface IClusterFaults
{
    bool IsAvailable { get; }
    /// <summary>Crash: no clean shutdown, leadership moves only once the controller misses its heartbeats.</summary>
    Task KillAsync(int brokerId);
    Task StartAsync(int brokerId);
    /// <summary>
    /// The broker keeps running and heartbeating but stops copying from its leaders: its replicas
    /// fall behind while still counted in the ISR (until replica.lag.time.max.ms).
    /// </summary>
    Task PauseReplicationAsync(int brokerId);
    Task ResumeReplicationAsync(int brokerId);
}

/// <summary>A cluster the app does not run: no faults to inject.</summary>
public sealed class NoClusterFaults : IClusterFaults
{
    public bool IsAvailable => false;
    private static Task Unavailable() => Task.FromException(new InvalidOperationException("Faults can only be injected into the embedded cluster"));
    public Task KillAsync(int brokerId) => Unavailable();
    public Task StartAsync(int brokerId) => Unavailable();
    public Task PauseReplicationAsync(int brokerId) => Unavailable();
    public Task ResumeReplicationAsync(int brokerId) => Unavailable();
}
