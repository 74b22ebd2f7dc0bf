namespace ControlCenter.Broker.Cluster;

/// <summary>What a leader knows of one follower (Kafka's Replica state): its log end and when it was last caught up.</summary>
internal sealed class FollowerState
{
    /// <summary>-1 until the follower's first fetch under this leadership.</summary>
    public long LogEndOffset = -1;
    public long LastCaughtUpMs;
    public long LastFetchMs;
    public long LeaderEndAtLastFetch = -1;
}

/// <summary>
/// The leader's side of one partition (Kafka's Partition while leader): the registration it
/// leads under, its followers' progress, and whether an ISR change is on its way to the
/// controller. Guarded by its own lock; never held while calling the controller.
/// </summary>
internal sealed class PartitionLeaderState(string topic, int partition, PartitionRegistration registration, long nowMs)
{
    public readonly object Sync = new();
    public string Topic { get; } = topic;
    public int Partition { get; } = partition;
    public PartitionRegistration Registration { get; private set; } = registration;

    /// <summary>A new registration at the same leader epoch (ISR or replica changes): followers added by a reassignment start tracked, removed ones are dropped.</summary>
    public void Update(PartitionRegistration registration, long nowMs)
    {
        Registration = registration;
        foreach (int id in registration.Replicas.Where(r => r != registration.Leader && !Followers.ContainsKey(r)).ToList())
            Followers[id] = new FollowerState { LastCaughtUpMs = nowMs };
        foreach (int id in Followers.Keys.Where(id => !registration.Replicas.Contains(id)).ToList())
            Followers.Remove(id);
    }
    public bool IsrChangePending { get; set; }

    /// <summary>Every follower starts as caught up now (Kafka does the same on becoming leader), so none leaves the ISR before it had a chance to fetch.</summary>
    public Dictionary<int, FollowerState> Followers { get; } = registration.Replicas.Where(r => r != registration.Leader)
        .ToDictionary(r => r, _ => new FollowerState { LastCaughtUpMs = nowMs });

    /// <summary>The smallest log end among the ISR (the leader's own included): what every in-sync replica has.</summary>
    public long CommittedEnd(long leaderLogEnd)
    {
        long min = leaderLogEnd;
        foreach (int id in Registration.Isr)
        {
            if (id == Registration.Leader) continue;
            if (!Followers.TryGetValue(id, out var f) || f.LogEndOffset < 0) return -1;
            min = Math.Min(min, f.LogEndOffset);
        }
        return min;
    }
}
