using Microsoft.Extensions.Hosting;

namespace ControlCenter.Kafka.Hosting;

/// <summary>
/// A background loop like <see cref="BackgroundService"/>, but not disposable: a cluster's monitor
/// and demo are handed to pages and requests through their scopes, and a scope disposes what it
/// hands out when it is disposable. Only StopAsync ends the loop.
/// </summary>
public abstract class LoopService : IHostedService
{
    private CancellationTokenSource? _stopping;
    private Task? _loop;

    protected abstract Task ExecuteAsync(CancellationToken stopping);

    /// <summary>The running loop (null before start), as BackgroundService.ExecuteTask.</summary>
    public Task? ExecuteTask => _loop;

    public virtual Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = new CancellationTokenSource();
        _loop = ExecuteAsync(_stopping.Token);
        return _loop.IsCompleted ? _loop : Task.CompletedTask;
    }

    public virtual async Task StopAsync(CancellationToken cancellationToken)
    {
        // Once: the host and the cluster registry may both stop it.
        var stopping = Interlocked.Exchange(ref _stopping, null);
        if (_loop is null || stopping is null) return;
        try { await stopping.CancelAsync(); }
        finally
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            stopping.Dispose();
        }
    }
}
