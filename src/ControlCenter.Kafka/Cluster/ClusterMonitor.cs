using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlCenter.Kafka.Cluster;

/// <summary>
/// The one background service that samples the cluster on a fixed tick (not one poller per
/// browser). It survives the cluster going away: the status turns Unreachable with librdkafka's
/// reason, the last overview is kept, and it recovers by itself when the cluster returns.
/// </summary>
public sealed partial class ClusterMonitor(
    ClusterConnection connection,
    ClusterAdmin admin,
    ClusterSnapshotReader reader,
    Metrics.LiveMetrics metrics,
    Groups.GroupLagTracker groupLags,
    IOptions<MonitorOptions> options,
    TimeProvider time,
    ILogger<ClusterMonitor> logger) : Hosting.LoopService, IClusterState
{
    private TaskCompletionSource _wake = NewSignal();
    /// <summary>Completed at the end of the next tick to start: what <see cref="NextTickAsync"/> hands out.</summary>
    private TaskCompletionSource _nextTick = NewSignal();
    private ClusterStatus _status = new(ConnectionState.Connecting, "", null, time.GetUtcNow(), null);

    public ClusterStatus Status => _status;
    public ClusterSnapshot? Snapshot { get; private set; }
    private readonly ClusterChangeLog _changes = new();
    public IReadOnlyList<ClusterChange> Changes => _changes.Changes;
    public ClusterOverview? Overview => Snapshot?.Overview;
    public IReadOnlyDictionary<string, Groups.GroupLag> GroupLags { get; private set; } = new Dictionary<string, Groups.GroupLag>();
    public DateTimeOffset? GroupsReadAt => groupLags.ReadAt;
    private volatile bool _refreshSizes;
    private volatile bool _refreshGroups = true;
    private DateTimeOffset _nextGroupRead;
    public string DisplayName => connection.DisplayName;
    /// <summary>Ticks completed since start, and how long the last one took (diagnostics, benchmarks).</summary>
    public long Ticks { get; private set; }
    public TimeSpan LastTickDuration { get; private set; }
    public event Action? Changed;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void RequestRefresh()
    {
        _refreshSizes = true;
        _refreshGroups = true;
        Volatile.Read(ref _wake).TrySetResult();
    }

    public Task NextTickAsync(CancellationToken cancellation = default) => Volatile.Read(ref _nextTick).Task.WaitAsync(cancellation);

    public Task RefreshAsync(CancellationToken cancellation = default)
    {
        var tick = NextTickAsync(cancellation);
        RequestRefresh();
        return tick;
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        try { await connection.WhenReadyAsync(stopping); }
        catch (OperationCanceledException) { return; }
        var interval = TimeSpan.FromMilliseconds(options.Value.IntervalMs);
        while (!stopping.IsCancellationRequested)
        {
            // The wake signal is renewed before the tick signal: whoever then sees the next tick's signal
            // (RefreshAsync) also wakes this loop's next wait. The other order lost a wake-up: a refresh
            // took the new tick signal but set the old wake, and with a frozen clock nothing came.
            Volatile.Write(ref _wake, NewSignal());
            var done = Interlocked.Exchange(ref _nextTick, NewSignal());
            long started = time.GetTimestamp();
            await TickAsync(stopping);
            LastTickDuration = time.GetElapsedTime(started);
            Ticks++;
            done.TrySetResult();
            var wait = interval - LastTickDuration;
            if (wait < TimeSpan.FromMilliseconds(50)) wait = TimeSpan.FromMilliseconds(50);
            try { await Task.WhenAny(Volatile.Read(ref _wake).Task, Task.Delay(wait, time, stopping)); }
            catch (OperationCanceledException) { break; }
        }
        _nextTick.TrySetCanceled(CancellationToken.None);
    }

    private async Task TickAsync(CancellationToken stopping)
    {
        try
        {
            bool forceSizes = _refreshSizes;
            _refreshSizes = false;
            var snapshot = await reader.ReadAsync(forceSizes, stopping);
            var overview = snapshot.Overview;
            bool wasDown = _status.State != ConnectionState.Connected;
            Snapshot = snapshot;
            if (_changes.Observe(snapshot)) _ = PauseGroupReadsAsync(FailoverQuietPeriod, CancellationToken.None);
            var now = time.GetUtcNow();
            _status = new ClusterStatus(ConnectionState.Connected, connection.BootstrapServers, null, now, wasDown ? now : _status.ConnectedSince);
            if (wasDown) logger.LogInformation("Cluster at {Bootstrap} is reachable (cluster id {ClusterId})", connection.BootstrapServers, overview.ClusterId);
            admin.ClearLastError();
            await RefreshGroupsIfDueAsync(snapshot, stopping);
            GroupLags = groupLags.Compute(snapshot, snapshot.ReadAt); // lag as of the watermarks' read
            await OnTickAsync(snapshot, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
        catch (Exception e)
        {
            string reason = admin.LastError ?? e.Message;
            if (_status.State != ConnectionState.Unreachable)
                logger.LogWarning("Cluster at {Bootstrap} is unreachable: {Reason}", connection.BootstrapServers, reason);
            _status = new ClusterStatus(ConnectionState.Unreachable, connection.BootstrapServers, reason, time.GetUtcNow(), null);
            OnUnreachable();
        }
        Changed?.Invoke();
    }

    /// <summary>Groups are read every Monitor:GroupIntervalMs (one request per group), or at once after an admin action.</summary>
    private async Task RefreshGroupsIfDueAsync(ClusterSnapshot snapshot, CancellationToken stopping)
    {
        var now = time.GetUtcNow();
        if (!_refreshGroups && now < _nextGroupRead) return;
        if (now < GroupReadsPausedUntil) return; // lags stay as last read until the cluster has settled
        _refreshGroups = false;
        _nextGroupRead = now.AddMilliseconds(options.Value.GroupIntervalMs);
        await _groupReads.WaitAsync(stopping);
        try { await groupLags.RefreshAsync(snapshot, stopping); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Reading consumer groups failed: {Error}", e.Message);
        }
        finally { _groupReads.Release(); }
    }

    /// <summary>
    /// Group reads wait while brokers come and go. librdkafka 2.16 can abort the whole process
    /// when a coordinator-bound admin request (DescribeConsumerGroups, ListConsumerGroupOffsets)
    /// meets a coordinator whose connection just dropped (a use-after-free in its coordinator
    /// request path, librdkafka PR #5397, open upstream): the monitor stops sending them around
    /// failovers it sees, and around the faults the app itself causes.
    /// </summary>
    public static readonly TimeSpan FailoverQuietPeriod = TimeSpan.FromSeconds(15);
    private readonly SemaphoreSlim _groupReads = new(1, 1);
    private long _groupReadsPausedUntilTicks;
    private DateTimeOffset GroupReadsPausedUntil => new(Interlocked.Read(ref _groupReadsPausedUntilTicks), TimeSpan.Zero);

    public async Task PauseGroupReadsAsync(TimeSpan duration, CancellationToken cancellation = default)
    {
        long until = (time.GetUtcNow() + duration).UtcTicks;
        long current;
        do current = Interlocked.Read(ref _groupReadsPausedUntilTicks);
        while (current < until && Interlocked.CompareExchange(ref _groupReadsPausedUntilTicks, until, current) != current);
        await _groupReads.WaitAsync(cancellation); // a read already under way finishes first
        _groupReads.Release();
    }

    /// <summary>Per-tick work beyond the overview (live metrics); see ClusterMonitor.Metrics.cs.</summary>
    partial void OnUnreachable();
    private partial Task OnTickAsync(ClusterSnapshot snapshot, CancellationToken stopping);
}
