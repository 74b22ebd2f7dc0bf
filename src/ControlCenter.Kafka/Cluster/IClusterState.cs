namespace ControlCenter.Kafka.Cluster;

/// <summary>
/// The cluster as the monitor last saw it. Pages read this instead of querying the cluster
/// themselves, and re-render on <see cref="Changed"/>.
/// </summary>
public interface IClusterState
{
    ClusterStatus Status { get; }

    /// <summary>The last successful read; kept while the cluster is unreachable (shown as stale).</summary>
    ClusterSnapshot? Snapshot { get; }

    ClusterOverview? Overview => Snapshot?.Overview;

    string DisplayName { get; }

    /// <summary>Every consumer group with its lag (records and time), recomputed on each tick.</summary>
    IReadOnlyDictionary<string, Groups.GroupLag> GroupLags { get; }

    /// <summary>When the groups themselves were last read (they are read on a slower tick).</summary>
    DateTimeOffset? GroupsReadAt { get; }

    /// <summary>Controller moves, brokers going and coming, leader changes: newest first.</summary>
    IReadOnlyList<ClusterChange> Changes => [];

    /// <summary>Holds back consumer-group reads for a while (around a fault the app causes); completes once no read is under way.</summary>
    Task PauseGroupReadsAsync(TimeSpan duration, CancellationToken cancellation = default) => Task.CompletedTask;

    /// <summary>Raised after every monitor tick that changed the status or the overview.</summary>
    event Action? Changed;

    /// <summary>Asks the monitor to refresh now (after an admin action) instead of waiting for the tick.</summary>
    void RequestRefresh();

    /// <summary>Completes when the next tick to start has finished (its snapshot, lags and metrics published).</summary>
    Task NextTickAsync(CancellationToken cancellation = default);

    /// <summary>Asks for a full refresh (sizes, low watermarks, groups) and completes once the tick that read it has finished.</summary>
    Task RefreshAsync(CancellationToken cancellation = default);
}
