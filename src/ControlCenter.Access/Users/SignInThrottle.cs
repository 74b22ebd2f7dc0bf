using System.Collections.Concurrent;

namespace ControlCenter.Access.Users;

/// <summary>
/// The login rate limit: after <see cref="MaxFailures"/> failed sign-ins from one client address
/// within <see cref="Window"/>, further attempts are refused until the oldest failure ages out,
/// whether the password is right or not (guessing gets nothing from the answer).
/// </summary>
public sealed class SignInThrottle(TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new();

    /// <summary>How long <paramref name="client"/> must wait before trying again; zero when it may try now.</summary>
    public TimeSpan WaitFor(string client)
    {
        if (!_failures.TryGetValue(client, out var failures)) return TimeSpan.Zero;
        lock (failures)
        {
            var now = time.GetUtcNow();
            while (failures.Count > 0 && now - failures.Peek() >= Window) failures.Dequeue();
            return failures.Count < MaxFailures ? TimeSpan.Zero : failures.Peek() + Window - now;
        }
    }

    public void Failed(string client)
    {
        var failures = _failures.GetOrAdd(client, _ => new Queue<DateTimeOffset>());
        lock (failures) failures.Enqueue(time.GetUtcNow());
    }

    public void Succeeded(string client) => _failures.TryRemove(client, out _);
}
