namespace ControlCenter.Kafka.Metrics;

/// <summary>
/// One scope's values on the shared <see cref="HistoryClock"/>: every tick for the recent past,
/// and one point per minute (rates averaged, lag at its worst) for the last day. Flat float
/// arrays allocated once, so memory is known up front. A sample never written (the series did
/// not exist yet, or the cluster was away) reads as missing.
/// </summary>
internal sealed class MetricSeries
{
    private readonly HistoryClock _clock;
    private readonly bool[] _max;
    private readonly int _width;
    private readonly float[] _recent;
    private readonly float[] _minutes;
    private readonly double[] _sum;
    private readonly float[] _worst;
    private readonly int[] _n;
    private long _lastTick = -1, _lastMinute = -1;

    public MetricSeries(HistoryClock clock, bool[] maxFields)
    {
        _clock = clock;
        _max = maxFields;
        _width = maxFields.Length;
        _recent = new float[clock.RecentCapacity * _width];
        _minutes = new float[clock.MinuteCapacity * _width];
        (_sum, _worst, _n) = (new double[_width], new float[_width], new int[_width]);
        FirstTick = clock.TickCount - 1;
        FirstMinute = clock.MinuteCount;
    }

    /// <summary>The first tick and minute this series has values for (earlier ones read as zeros or missing).</summary>
    public long FirstTick { get; }
    public long FirstMinute { get; }

    public long Bytes => (_recent.Length + _minutes.Length) * sizeof(float);

    /// <summary>Values for the clock's latest tick.</summary>
    public void Add(ReadOnlySpan<float> values)
    {
        long tick = _clock.TickCount - 1;
        Skip(_recent, ref _lastTick, tick, _clock.RecentCapacity);
        values.CopyTo(_recent.AsSpan((int)(tick % _clock.RecentCapacity) * _width, _width));
        _lastTick = tick;
        for (int i = 0; i < _width; i++)
        {
            if (float.IsNaN(values[i])) continue;
            _sum[i] += values[i];
            _worst[i] = _n[i] == 0 ? values[i] : Math.Max(_worst[i], values[i]);
            _n[i]++;
        }
    }

    /// <summary>Closes the minute the clock just closed into one point.</summary>
    public void FoldMinute()
    {
        long minute = _clock.MinuteCount - 1;
        Skip(_minutes, ref _lastMinute, minute, _clock.MinuteCapacity);
        var slot = _minutes.AsSpan((int)(minute % _clock.MinuteCapacity) * _width, _width);
        for (int i = 0; i < _width; i++)
        {
            slot[i] = _n[i] == 0 ? float.NaN : _max[i] ? _worst[i] : (float)(_sum[i] / _n[i]);
            (_sum[i], _worst[i], _n[i]) = (0, 0, 0);
        }
        _lastMinute = minute;
    }

    /// <summary>Marks samples between the last one written and <paramref name="next"/> as missing.</summary>
    private void Skip(float[] ring, ref long last, long next, int capacity)
    {
        for (long n = Math.Max(last + 1, next - capacity); n < next; n++)
            ring.AsSpan((int)(n % capacity) * _width, _width).Fill(float.NaN);
    }

    /// <summary>Tick n's values (null entries = missing: a gap), or null for ticks from before the series existed.</summary>
    public double?[]? Tick(long n) => n < FirstTick ? null : n > _lastTick ? new double?[_width] : Values(_recent, n % _clock.RecentCapacity);

    public double?[]? Minute(long n) => n < FirstMinute ? null : n > _lastMinute ? new double?[_width] : Values(_minutes, n % _clock.MinuteCapacity);

    private double?[] Values(float[] ring, long slot)
    {
        var result = new double?[_width];
        for (int i = 0; i < _width; i++)
        {
            float v = ring[slot * _width + i];
            result[i] = float.IsNaN(v) ? null : v;
        }
        return result;
    }

    /// <summary>True when every value kept is zero or missing: the series can go (reads give zeros).</summary>
    public bool IsIdle => _sum.All(s => s == 0) && AllZeroOrMissing(_recent) && AllZeroOrMissing(_minutes);

    private static bool AllZeroOrMissing(float[] values)
    {
        foreach (float v in values)
            if (v != 0 && !float.IsNaN(v)) return false;
        return true;
    }
}
