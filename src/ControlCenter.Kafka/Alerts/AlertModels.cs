using System.Globalization;

namespace ControlCenter.Kafka.Alerts;

/// <summary>What a rule watches. The threshold's unit depends on it (see <see cref="AlertKinds.ThresholdUnit"/>).</summary>
public enum AlertKind
{
    ConsumerLagRecords,
    ConsumerLagSeconds,
    NoProduction,
    UnderReplicatedPartitions,
    OfflinePartitions,
    BrokerDown,
    ControllerChange,
    LogDirUsage,
    ProduceRateAbove,
    ProduceRateBelow,
}

public enum AlertSeverity { Info, Warning, Critical }

/// <summary>Pending: the condition holds but not yet for the rule's for-duration. Firing: it has. Resolved: it no longer holds.</summary>
public enum AlertState { Pending, Firing, Resolved }

public static class AlertKinds
{
    private static readonly Dictionary<string, AlertKind> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["consumer-lag-records"] = AlertKind.ConsumerLagRecords,
        ["consumer-lag-seconds"] = AlertKind.ConsumerLagSeconds,
        ["no-production"] = AlertKind.NoProduction,
        ["under-replicated-partitions"] = AlertKind.UnderReplicatedPartitions,
        ["offline-partitions"] = AlertKind.OfflinePartitions,
        ["broker-down"] = AlertKind.BrokerDown,
        ["controller-change"] = AlertKind.ControllerChange,
        ["log-dir-usage"] = AlertKind.LogDirUsage,
        ["produce-rate-above"] = AlertKind.ProduceRateAbove,
        ["produce-rate-below"] = AlertKind.ProduceRateBelow,
    };

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static bool TryParse(string? name, out AlertKind kind)
    {
        kind = default;
        if (string.IsNullOrWhiteSpace(name)) return false;
        return ByName.TryGetValue(name.Trim(), out kind) || Enum.TryParse(name.Trim(), ignoreCase: true, out kind) && Enum.IsDefined(kind);
    }

    public static string Name(this AlertKind kind) => ByName.First(kv => kv.Value == kind).Key;

    /// <summary>What the threshold counts; null for kinds that have none.</summary>
    public static string? ThresholdUnit(this AlertKind kind) => kind switch
    {
        AlertKind.ConsumerLagRecords => "records",
        AlertKind.ConsumerLagSeconds => "seconds",
        AlertKind.NoProduction => "minutes",
        AlertKind.UnderReplicatedPartitions or AlertKind.OfflinePartitions => "partitions",
        AlertKind.LogDirUsage => "% used",
        AlertKind.ProduceRateAbove or AlertKind.ProduceRateBelow => "records/s",
        _ => null,
    };

    public static bool UsesGroup(this AlertKind kind) => kind is AlertKind.ConsumerLagRecords or AlertKind.ConsumerLagSeconds;

    public static bool UsesTopic(this AlertKind kind) => kind is AlertKind.ConsumerLagRecords or AlertKind.ConsumerLagSeconds or AlertKind.NoProduction
        or AlertKind.UnderReplicatedPartitions or AlertKind.OfflinePartitions or AlertKind.ProduceRateAbove or AlertKind.ProduceRateBelow;

    /// <summary>One line saying what the rule fires on, for lists and notifications.</summary>
    public static string Describe(AlertRule rule)
    {
        string t = rule.Threshold.ToString(rule.Threshold >= 1 ? "0.##" : "0.######", CultureInfo.InvariantCulture);
        string topics = rule.Topic == "*" ? "any topic" : $"topic {rule.Topic}";
        string groups = rule.Group == "*" ? "any group" : $"group {rule.Group}";
        return rule.Kind switch
        {
            AlertKind.ConsumerLagRecords => $"lag of {groups} on {topics} above {t} records",
            AlertKind.ConsumerLagSeconds => $"lag of {groups} on {topics} above {t} s",
            AlertKind.NoProduction => $"nothing produced to {topics} for {t} min",
            AlertKind.UnderReplicatedPartitions => $"more than {t} under-replicated partitions on {topics}",
            AlertKind.OfflinePartitions => $"more than {t} offline partitions on {topics}",
            AlertKind.BrokerDown => "a broker is down (or the cluster unreachable)",
            AlertKind.ControllerChange => "the active controller moved",
            AlertKind.LogDirUsage => $"a log dir's disk at or above {t}% used",
            AlertKind.ProduceRateAbove => $"produce rate of {topics} above {t} records/s",
            AlertKind.ProduceRateBelow => $"produce rate of {topics} below {t} records/s",
            _ => rule.Kind.ToString(),
        };
    }
}

/// <summary>
/// One alert rule. <see cref="Topic"/> and <see cref="Group"/> are name patterns (`*` any);
/// each matching topic, group, broker or log dir is an alert of its own (its key).
/// <see cref="For"/> is how long the condition must hold before the alert fires.
/// </summary>
public sealed record AlertRule(string Id, string Name, AlertKind Kind, AlertSeverity Severity, double Threshold, TimeSpan For,
    string Topic = "*", string Group = "*", bool FromConfiguration = false)
{
    public string Description => AlertKinds.Describe(this);
}

/// <summary>An alert as it stands: one rule on one key (a group/topic, a topic, a broker, a log dir).</summary>
public sealed record ActiveAlert(
    string Cluster,
    AlertRule Rule,
    string Key,
    AlertState State,
    double Value,
    string Message,
    DateTimeOffset Since,
    DateTimeOffset? FiringSince,
    string? AcknowledgedBy = null,
    DateTimeOffset? AcknowledgedAt = null)
{
    public string Id => $"{Rule.Id}|{Key}";
    public AlertSeverity Severity => Rule.Severity;
}

/// <summary>
/// One line of an alert's history: <see cref="Transition"/> is firing, resolved, acknowledged,
/// silenced, unsilenced, notified, notify-failed or suppressed. Kept on disk across restarts.
/// </summary>
public sealed record AlertEvent(
    DateTimeOffset Time,
    string Cluster,
    string RuleId,
    string RuleName,
    AlertKind Kind,
    AlertSeverity Severity,
    string Key,
    string Transition,
    double? Value,
    string Message,
    string? User = null);

public static class AlertTransitions
{
    public const string Firing = "firing";
    public const string Resolved = "resolved";
    public const string Acknowledged = "acknowledged";
    public const string Silenced = "silenced";
    public const string Unsilenced = "unsilenced";
    public const string Notified = "notified";
    public const string NotifyFailed = "notify-failed";
    public const string Suppressed = "suppressed";
}

/// <summary>Holds back notifications of a rule (or of one key of it) until <see cref="Until"/>; the alerts themselves still show.</summary>
public sealed record AlertSilence(string Id, string RuleId, string? Key, DateTimeOffset Until, string By, string Comment, DateTimeOffset Created)
{
    public bool Covers(ActiveAlert alert, DateTimeOffset now) =>
        now < Until && (RuleId == "*" || RuleId == alert.Rule.Id) && (Key is null || Key == alert.Key);
}
