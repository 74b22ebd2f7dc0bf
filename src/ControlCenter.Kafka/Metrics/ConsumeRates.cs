using ControlCenter.Kafka.Groups;

namespace ControlCenter.Kafka.Metrics;

/// <summary>
/// Records/s each group consumes, per partition: Δ committed offset / Δ time over the last few
/// group reads. Consumers commit every few seconds (auto-commit: 5 s) and groups are read on a
/// similar tick, so a rate over one read would swing between 0 and double; a window of
/// several reads smooths that out.
/// </summary>
internal sealed class ConsumeRates
{
    private const int Window = 4;
    private readonly Dictionary<string, Queue<GroupSnapshot>> _reads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<(string Topic, int Partition), double>> _rates = new(StringComparer.Ordinal);

    public void Reset()
    {
        _reads.Clear();
        _rates.Clear();
    }

    /// <summary>Per-partition rates of a group; null until two reads of it were seen.</summary>
    public IReadOnlyDictionary<(string Topic, int Partition), double>? For(string group) => _rates.GetValueOrDefault(group);

    public void Update(IEnumerable<GroupSnapshot> groups)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            seen.Add(group.GroupId);
            if (!_reads.TryGetValue(group.GroupId, out var reads)) _reads[group.GroupId] = reads = new Queue<GroupSnapshot>();
            if (reads.Count > 0 && reads.Last().ReadAt == group.ReadAt) continue; // same read as last tick
            reads.Enqueue(group);
            if (reads.Count > Window) reads.Dequeue();
            if (reads.Count >= 2) _rates[group.GroupId] = Rates(reads.Peek(), group);
        }
        foreach (var gone in _reads.Keys.Where(g => !seen.Contains(g)).ToList())
        {
            _reads.Remove(gone);
            _rates.Remove(gone);
        }
    }

    private static Dictionary<(string, int), double> Rates(GroupSnapshot oldest, GroupSnapshot newest)
    {
        double seconds = (newest.ReadAt - oldest.ReadAt).TotalSeconds;
        var rates = new Dictionary<(string, int), double>();
        foreach (var (key, offset) in newest.Committed)
            // A partition first committed inside the window counts from its first commit seen: unknown before.
            rates[key] = seconds > 0 && oldest.Committed.TryGetValue(key, out long before) ? Math.Max(0, offset - before) / seconds : 0;
        return rates;
    }
}
