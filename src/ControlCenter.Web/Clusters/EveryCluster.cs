using ControlCenter.Kafka.Clusters;

namespace ControlCenter.Web.Clusters;

/// <summary>
/// Keeps a handler on one service of every cluster (a broadcaster listening to each cluster's
/// metrics or alerts), following clusters as admins add and remove them. <c>subscribe</c> attaches
/// the handler and returns what detaches it.
/// </summary>
public sealed class EveryCluster<T>(ClusterRegistry clusters, Func<string, T, Action> subscribe) : IDisposable where T : class
{
    private readonly Dictionary<string, (T Source, Action Unsubscribe)> _followed = new(StringComparer.Ordinal);

    public EveryCluster<T> Start()
    {
        Follow();
        clusters.Changed += Follow;
        return this;
    }

    private void Follow()
    {
        lock (_followed)
        {
            var current = clusters.All.ToDictionary(c => c.Name, c => c.Get<T>(), StringComparer.Ordinal);
            foreach (var name in _followed.Keys.Where(n => !current.TryGetValue(n, out var source) || source != _followed[n].Source).ToList())
            {
                _followed[name].Unsubscribe();
                _followed.Remove(name);
            }
            foreach (var (name, source) in current.Where(c => !_followed.ContainsKey(c.Key)))
                _followed[name] = (source, subscribe(name, source));
        }
    }

    public void Dispose()
    {
        clusters.Changed -= Follow;
        lock (_followed)
        {
            foreach (var (_, unsubscribe) in _followed.Values) unsubscribe();
            _followed.Clear();
        }
    }
}
