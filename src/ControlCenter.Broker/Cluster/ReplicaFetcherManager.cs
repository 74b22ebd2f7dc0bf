using ControlCenter.Broker.Storage;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Cluster;

/// <summary>One <see cref="ReplicaFetcher"/> per leader this node follows partitions on.</summary>
internal sealed class ReplicaFetcherManager(ReplicaManager replicas, LogManager logs, ILogger logger) : IAsyncDisposable
{
    private readonly object _lock = new();
    private readonly Dictionary<int, ReplicaFetcher> _fetchers = new();
    private readonly List<ReplicaFetcher> _retired = new();

    public bool Has((string, int) key, int leaderId)
    {
        lock (_lock) return _fetchers.TryGetValue(leaderId, out var f) && f.Has(key);
    }

    public void Add((string, int) key, BrokerRegistration leader, int leaderEpoch)
    {
        lock (_lock)
        {
            RemoveLocked(key);
            if (_fetchers.TryGetValue(leader.Id, out var fetcher) && (fetcher.Leader.Host != leader.Host || fetcher.Leader.Port != leader.Port))
            {
                _fetchers.Remove(leader.Id); // the leader came back on another address: the old fetcher stops
                _retired.Add(fetcher);
                _ = fetcher.DisposeAsync().AsTask();
                fetcher = null;
            }
            if (fetcher is null) _fetchers[leader.Id] = fetcher = new ReplicaFetcher(replicas, logs, leader, logger);
            fetcher.Add(key, leaderEpoch);
        }
    }

    public void Remove((string, int) key) { lock (_lock) RemoveLocked(key); }

    private void RemoveLocked((string, int) key)
    {
        foreach (var fetcher in _fetchers.Values) fetcher.Remove(key);
    }

    public void RemoveAllExcept(HashSet<(string, int)> keep)
    {
        lock (_lock)
            foreach (var fetcher in _fetchers.Values)
                foreach (var key in AllKeys(fetcher, keep)) fetcher.Remove(key);
    }

    private static IEnumerable<(string, int)> AllKeys(ReplicaFetcher fetcher, HashSet<(string, int)> keep) =>
        fetcher.Keys.Where(k => !keep.Contains(k)).ToList();

    public async ValueTask DisposeAsync()
    {
        List<ReplicaFetcher> all;
        lock (_lock)
        {
            all = _fetchers.Values.Concat(_retired).ToList();
            _fetchers.Clear();
            _retired.Clear();
        }
        foreach (var fetcher in all) await fetcher.DisposeAsync();
    }
}
