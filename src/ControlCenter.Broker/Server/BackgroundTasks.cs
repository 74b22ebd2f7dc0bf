using ControlCenter.Broker.Groups;
using ControlCenter.Broker.Storage;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Server;

/// <summary>
/// The broker's periodic work: retention every log.retention.check.interval.ms, checkpoints
/// every few seconds, and the log cleaner for compacted topics — all on the broker's clock.
/// </summary>
internal sealed class BackgroundTasks(LogManager logs, GroupCoordinator groups, ILogger logger) : IAsyncDisposable
{
    private const int CheckpointIntervalMs = 5000;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    private async Task RunAsync(CancellationToken stopping)
    {
        long start = logs.NowMs;
        long nextRetention = start + logs.BrokerConfig.RetentionCheckIntervalMs;
        long nextCheckpoint = start + CheckpointIntervalMs;
        long nextClean = start + logs.CleanerBackoffMs;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200), logs.Time);
        while (await WaitAsync(timer, stopping))
        {
            long now = logs.NowMs;
            Run(ref nextRetention, now, logs.BrokerConfig.RetentionCheckIntervalMs, () => logs.RunRetention(), "retention");
            Run(ref nextClean, now, logs.CleanerBackoffMs, () => logs.RunCleaner(), "log cleaner");
            Run(ref nextCheckpoint, now, CheckpointIntervalMs, () => { logs.WriteCheckpoints(); groups.ExpireOffsets(); }, "checkpoint");
        }
    }

    private void Run(ref long due, long now, long interval, Action work, string name)
    {
        if (now < due) return;
        due = now + interval;
        try { work(); }
        catch (Exception e) { logger.LogError(e, "Background {Task} failed; retrying next interval", name); }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try { return await timer.WaitForNextTickAsync(stopping); }
        catch (OperationCanceledException) { return false; }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        await _loop;
        _stopping.Dispose();
    }
}
