namespace ControlCenter.Testing;

/// <summary>
/// The one way tests wait: for a condition that another thread, process or the cluster makes
/// true, checked every few milliseconds, with a generous timeout that only matters when the
/// test is failing. Never a fixed sleep: on a loaded 2-core machine any sleep is either too
/// short (a flake) or too long (a slow suite).
/// </summary>
public static class Wait
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);

    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null, CancellationToken cancellation = default)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}");
            await Task.Delay(Poll, cancellation);
        }
    }

    /// <remarks>Each check is bounded by the time left too: a check that never completes fails the test instead of hanging the run.</remarks>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, CancellationToken cancellation = default)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await Checked(condition(), deadline, what))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}");
            await Task.Delay(Poll, cancellation);
        }
    }

    private static async Task<bool> Checked(Task<bool> check, DateTime deadline, string what)
    {
        var left = deadline - DateTime.UtcNow;
        try { return await check.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero); }
        catch (TimeoutException) when (!check.IsCompleted) { throw new TimeoutException($"Timed out waiting for {what} (a check did not complete)"); }
    }

    /// <summary>Waits until <paramref name="probe"/> returns something, and returns it.</summary>
    public static async Task<T> ForAsync<T>(Func<T?> probe, string what, TimeSpan? timeout = null, CancellationToken cancellation = default) where T : class
    {
        T? found = null;
        await UntilAsync(() => (found = probe()) is not null, what, timeout, cancellation);
        return found!;
    }
}
