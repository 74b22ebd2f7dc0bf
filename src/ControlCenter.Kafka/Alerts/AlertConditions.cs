using System.Globalization;
using System.Text.RegularExpressions;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Groups;
using ControlCenter.Kafka.Metrics;

namespace ControlCenter.Kafka.Alerts;

/// <summary>What the monitor knew at the end of a tick: everything a rule is evaluated on.</summary>
public sealed record AlertInputs(
    ClusterStatus Status,
    ClusterSnapshot? Snapshot,
    IReadOnlyDictionary<string, GroupLag> Lags,
    MetricsSnapshot Metrics,
    IReadOnlyList<string> LogDirs,
    DateTimeOffset Now,
    DateTimeOffset? GroupsReadAt = null);

/// <summary>A rule's condition holding for one key, with the value that crossed the threshold.</summary>
public readonly record struct Breach(string Key, double Value, string Message);

/// <summary>
/// Finds, for each rule, the keys whose condition holds on this tick. It also remembers what a
/// single tick cannot tell: when each topic last grew, which brokers were ever seen, and when the
/// controller last moved. Called on the monitor's thread only.
/// </summary>
public sealed class AlertConditions
{
    /// <summary>A controller move stays an alert at least this long (longer with the rule's for-duration).</summary>
    public static readonly TimeSpan ControllerChangeHold = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, (long EndOffsets, DateTimeOffset Since)> _lastProduced = new(StringComparer.Ordinal);
    private readonly HashSet<int> _brokersSeen = [];
    private int? _controller;
    private (DateTimeOffset At, string Message)? _controllerMoved;
    private readonly Dictionary<string, Regex> _patterns = new(StringComparer.Ordinal);

    /// <summary>Updates what is remembered across ticks; call once per tick before <see cref="Find"/>.</summary>
    public void Observe(AlertInputs inputs)
    {
        if (!inputs.Status.IsReachable || inputs.Snapshot is not { } snapshot) return;
        foreach (var (name, topic) in snapshot.Topics)
        {
            long end = topic.Partitions.Sum(p => Math.Max(0, p.HighWatermark));
            if (!_lastProduced.TryGetValue(name, out var last) || last.EndOffsets != end) _lastProduced[name] = (end, inputs.Now);
        }
        if (_lastProduced.Count > snapshot.Topics.Count)
            foreach (var gone in _lastProduced.Keys.Where(k => !snapshot.Topics.ContainsKey(k)).ToList()) _lastProduced.Remove(gone);
        foreach (var broker in snapshot.Overview.Brokers) if (broker.IsOnline) _brokersSeen.Add(broker.Id);
        int controller = snapshot.Overview.ControllerId;
        if (_controller is { } before && before != controller)
            _controllerMoved = (inputs.Now, before < 0 ? $"Node {controller} is the active controller"
                : controller < 0 ? $"No active controller (was node {before})"
                : $"Active controller moved from node {before} to node {controller}");
        _controller = controller;
    }

    public List<Breach> Find(AlertRule rule, AlertInputs inputs)
    {
        var found = new List<Breach>();
        if (rule.Kind == AlertKind.BrokerDown)
        {
            BrokersDown(inputs, found);
            return found;
        }
        if (!inputs.Status.IsReachable || inputs.Snapshot is not { } snapshot) return found;
        var topics = Pattern(rule.Topic);
        string t = N(rule.Threshold);
        switch (rule.Kind)
        {
            case AlertKind.ConsumerLagRecords or AlertKind.ConsumerLagSeconds:
                var groups = Pattern(rule.Group);
                foreach (var (id, lag) in inputs.Lags)
                {
                    if (!groups.IsMatch(id)) continue;
                    foreach (var (topic, records, maxTime, _) in lag.ByTopic)
                    {
                        if (!topics.IsMatch(topic)) continue;
                        if (rule.Kind == AlertKind.ConsumerLagRecords && records > rule.Threshold)
                            found.Add(new($"{id}/{topic}", records, $"Group {id} is {N(records)} records behind on {topic} (threshold {t})"));
                        else if (rule.Kind == AlertKind.ConsumerLagSeconds && maxTime?.TotalSeconds > rule.Threshold)
                            found.Add(new($"{id}/{topic}", maxTime.Value.TotalSeconds, $"Group {id} is {N(maxTime.Value.TotalSeconds)} s behind on {topic} (threshold {t} s)"));
                    }
                }
                break;
            case AlertKind.NoProduction:
                foreach (var (name, topic) in snapshot.Topics)
                {
                    if (topic.IsInternal || !topics.IsMatch(name) || !_lastProduced.TryGetValue(name, out var last)) continue;
                    double minutes = (inputs.Now - last.Since).TotalMinutes;
                    if (minutes >= rule.Threshold) found.Add(new(name, minutes, $"Nothing produced to {name} for {N(minutes)} min (threshold {t} min)"));
                }
                break;
            case AlertKind.UnderReplicatedPartitions or AlertKind.OfflinePartitions:
                bool offline = rule.Kind == AlertKind.OfflinePartitions;
                var affected = snapshot.Topics.Values.Where(x => topics.IsMatch(x.Name))
                    .Select(x => (x.Name, Count: offline ? x.OfflinePartitions : x.UnderReplicatedPartitions)).Where(x => x.Count > 0).OrderBy(x => x.Name, StringComparer.Ordinal).ToList();
                int total = affected.Sum(x => x.Count);
                if (total > rule.Threshold)
                    found.Add(new("partitions", total, $"{total} {(offline ? "offline" : "under-replicated")} partitions: " +
                        string.Join(", ", affected.Take(5).Select(x => $"{x.Name} ({x.Count})")) + (affected.Count > 5 ? $" and {affected.Count - 5} more topics" : "")));
                break;
            case AlertKind.ControllerChange:
                var hold = rule.For > ControllerChangeHold ? rule.For : ControllerChangeHold;
                if (_controllerMoved is { } moved && inputs.Now - moved.At < hold) found.Add(new("controller", snapshot.Overview.ControllerId, moved.Message));
                break;
            case AlertKind.LogDirUsage:
                foreach (string dir in inputs.LogDirs)
                    if (UsedPercent(dir) is { } used && used >= rule.Threshold)
                        found.Add(new(dir, used, $"The disk of log dir {dir} is {N(used)}% full (threshold {t}%)"));
                break;
            case AlertKind.ProduceRateAbove or AlertKind.ProduceRateBelow:
                bool above = rule.Kind == AlertKind.ProduceRateAbove;
                foreach (var (name, metrics) in inputs.Metrics.Topics)
                {
                    if (metrics.RecordsPerSec is not { } rate || !topics.IsMatch(name) || snapshot.Topics.GetValueOrDefault(name)?.IsInternal != false) continue;
                    if (above ? rate > rule.Threshold : rate < rule.Threshold)
                        found.Add(new(name, rate, $"{name} takes {N(rate)} records/s ({(above ? "above" : "below")} {t})"));
                }
                break;
        }
        return found;
    }

    private void BrokersDown(AlertInputs inputs, List<Breach> found)
    {
        if (!inputs.Status.IsReachable)
        {
            // Only after a first successful read: a dashboard that never reached its cluster reports that on its banner.
            if (inputs.Snapshot is not null) found.Add(new("cluster", 1, $"The cluster is unreachable: {inputs.Status.Error}"));
            return;
        }
        var listed = inputs.Snapshot!.Overview.Brokers.ToDictionary(b => b.Id);
        foreach (int id in _brokersSeen.Order())
            if (!listed.TryGetValue(id, out var broker) || !broker.IsOnline)
                found.Add(new($"broker-{id}", id, $"Broker {id} is down" + (broker is null ? " (no longer in the metadata)" : $" ({broker.Replicas} partitions name it as a replica)")));
    }

    private static double? UsedPercent(string dir)
    {
        try
        {
            if (!Directory.Exists(dir)) return null;
            var drive = new DriveInfo(Path.GetFullPath(dir));
            return drive.TotalSize <= 0 ? null : 100.0 * (drive.TotalSize - drive.AvailableFreeSpace) / drive.TotalSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return null; }
    }

    private Regex Pattern(string pattern)
    {
        if (!_patterns.TryGetValue(pattern, out var regex)) _patterns[pattern] = regex = NameGlob.Compile(pattern);
        return regex;
    }

    private static string N(double value) => value.ToString(value >= 100 || value == Math.Floor(value) ? "#,0" : value >= 1 ? "0.##" : "0.######", CultureInfo.InvariantCulture);
}
