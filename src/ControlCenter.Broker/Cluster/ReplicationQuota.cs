namespace ControlCenter.Broker.Cluster;

/// <summary>
/// A replication throttle (Kafka's ReplicationQuotaManager, simplified to a token bucket): bytes
/// per second from a broker config that can change at run time; a throttled replica is left out
/// of a fetch while the bucket is in debt. At most one second's worth builds up while idle.
/// </summary>
internal sealed class ReplicationQuota(Func<long> bytesPerSecond, TimeProvider time)
{
    private readonly object _lock = new();
    private double _tokens;
    private long _last = time.GetTimestamp();

    public bool IsUnlimited => bytesPerSecond() == long.MaxValue;

    public bool IsExceeded()
    {
        if (IsUnlimited) return false;
        lock (_lock) return Refill() < 0;
    }

    public void Record(long bytes)
    {
        if (IsUnlimited || bytes <= 0) return;
        lock (_lock) _tokens = Refill() - bytes;
    }

    private double Refill()
    {
        long now = time.GetTimestamp();
        double rate = bytesPerSecond();
        _tokens = Math.Min(rate, _tokens + time.GetElapsedTime(_last, now).TotalSeconds * rate);
        _last = now;
        return _tokens;
    }

    /// <summary>
    /// Whether a throttled-replicas config ("*" or "partition:broker,…") names this partition on
    /// <paramref name="brokerId"/>.
    /// </summary>
    public static bool Names(string? throttledReplicas, int partition, int brokerId)
    {
        if (string.IsNullOrWhiteSpace(throttledReplicas)) return false;
        if (throttledReplicas.Trim() == "*") return true;
        string wanted = $"{partition}:{brokerId}";
        return throttledReplicas.Split(',', StringSplitOptions.TrimEntries).Contains(wanted);
    }
}
