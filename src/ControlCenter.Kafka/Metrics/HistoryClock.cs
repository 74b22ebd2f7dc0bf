namespace ControlCenter.Kafka.Metrics;

/// <summary>
/// The sample times every series shares: one ring of tick times and one of minute starts.
/// Sample n (counted from 0 since start) sits in slot n % capacity of every series, so series
/// store values only — the times are kept once here, not once per topic.
/// </summary>
internal sealed class HistoryClock(int recentCapacity, int minuteCapacity)
{
    private readonly long[] _ticks = new long[recentCapacity];
    private readonly long[] _minutes = new long[minuteCapacity];

    public int RecentCapacity => recentCapacity;
    public int MinuteCapacity => minuteCapacity;

    /// <summary>Ticks and minutes recorded so far; the next sample gets this number.</summary>
    public long TickCount { get; private set; }
    public long MinuteCount { get; private set; }

    /// <summary>The minute (ms since epoch / 60,000) the current tick is in; long.MinValue before the first tick.</summary>
    public long CurrentMinute { get; private set; } = long.MinValue;

    public long Bytes => (_ticks.Length + _minutes.Length) * sizeof(long);

    /// <summary>Adds a tick; returns the minute that closed with it (its start in ms), if one did.</summary>
    public long? AddTick(long timeMs)
    {
        _ticks[TickCount % recentCapacity] = timeMs;
        TickCount++;
        long minute = timeMs / 60_000;
        long? closed = null;
        if (minute != CurrentMinute && CurrentMinute != long.MinValue)
        {
            closed = CurrentMinute * 60_000;
            _minutes[MinuteCount % minuteCapacity] = closed.Value;
            MinuteCount++;
        }
        CurrentMinute = minute;
        return closed;
    }

    public long FirstTick => Math.Max(0, TickCount - recentCapacity);
    public long FirstMinute => Math.Max(0, MinuteCount - minuteCapacity);
    public long TickTime(long n) => _ticks[n % recentCapacity];
    public long MinuteTime(long n) => _minutes[n % minuteCapacity];
}
