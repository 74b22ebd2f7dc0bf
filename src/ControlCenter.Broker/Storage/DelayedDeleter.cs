namespace ControlCenter.Broker.Storage;

/// <summary>
/// Deletes files after file.delete.delay.ms, like Kafka's async segment deletion: segments
/// leave the log at once (renamed ".deleted") but keep their open handles a while, so fetches
/// that already picked them finish cleanly. On shutdown everything pending runs immediately.
/// Due times are on the broker's clock, so a test can move time instead of waiting.
/// </summary>
internal sealed class DelayedDeleter : IDisposable
{
    private readonly object _sync = new();
    private readonly List<(long DueMs, Action Delete)> _pending = [];
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private bool _disposed;

    public DelayedDeleter(TimeProvider time)
    {
        _time = time;
        _timer = time.CreateTimer(_ => RunDue(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public int PendingCount { get { lock (_sync) return _pending.Count; } }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public void Schedule(long delayMs, Action delete)
    {
        lock (_sync)
        {
            if (!_disposed)
            {
                _pending.Add((NowMs + Math.Max(0, delayMs), delete));
                return;
            }
        }
        RunSafely(delete);
    }

    /// <summary>Runs every deletion that is due now (the timer calls this every second).</summary>
    public void RunDue()
    {
        List<Action> due;
        lock (_sync)
        {
            long now = NowMs;
            due = _pending.Where(p => p.DueMs <= now).Select(p => p.Delete).ToList();
            _pending.RemoveAll(p => p.DueMs <= now);
        }
        foreach (var delete in due) RunSafely(delete);
    }

    private static void RunSafely(Action delete)
    {
        try { delete(); }
        catch (IOException) { /* already gone or still busy: nothing to keep for */ }
        catch (UnauthorizedAccessException) { }
    }

    public void Dispose()
    {
        List<Action> all;
        lock (_sync)
        {
            if (_disposed) return;
            _disposed = true;
            all = _pending.Select(p => p.Delete).ToList();
            _pending.Clear();
        }
        _timer.Dispose();
        foreach (var delete in all) RunSafely(delete);
    }
}
