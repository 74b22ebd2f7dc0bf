using System.Globalization;

namespace ControlCenter.Kafka.Topics;

/// <summary>
/// Kafka 4's validators for the topic configs people edit, so a form says what the broker would
/// say before anything is sent (the broker stays the final judge; unknown keys are left to it).
/// Negative values mean "unlimited" only where Kafka reads them so: retention.ms -1 and any
/// negative retention.bytes. Elsewhere a negative number is an error, not a hidden "unlimited".
/// </summary>
public static class TopicConfigRules
{
    /// <summary>Kafka 4.0's floor for segment.bytes (KIP-1030); internal.segment.bytes goes below it.</summary>
    public const int MinSegmentBytes = 1024 * 1024;

    private delegate string? Rule(string key, string value);

    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        ["cleanup.policy"] = (_, v) => ListOf(v, "delete", "compact"),
        ["compression.type"] = (_, v) => OneOf(v, "producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"),
        ["message.timestamp.type"] = (_, v) => OneOf(v, "CreateTime", "LogAppendTime"),
        ["retention.ms"] = (k, v) => Long(k, v, -1, "a whole number of milliseconds, or -1 for unlimited"),
        ["retention.bytes"] = (k, v) => Long(k, v, long.MinValue, "a whole number of bytes, or -1 for unlimited"),
        ["segment.bytes"] = (k, v) => Int(k, v, MinSegmentBytes,
            $"a whole number of bytes from 1 MiB ({MinSegmentBytes}) to 2 GiB; smaller segments only through internal.segment.bytes"),
        ["internal.segment.bytes"] = (k, v) => Int(k, v, 14, "a whole number of bytes, at least 14"),
        ["max.message.bytes"] = (k, v) => Int(k, v, 0, "a whole number of bytes up to 2 GiB"),
        ["index.interval.bytes"] = (k, v) => Int(k, v, 0, "a whole number of bytes"),
        ["segment.ms"] = (k, v) => Long(k, v, 1, "a whole number of milliseconds, at least 1"),
        ["max.compaction.lag.ms"] = (k, v) => Long(k, v, 1, "a whole number of milliseconds, at least 1"),
        ["delete.retention.ms"] = Milliseconds,
        ["min.compaction.lag.ms"] = Milliseconds,
        ["file.delete.delay.ms"] = Milliseconds,
        ["segment.jitter.ms"] = Milliseconds,
        ["flush.ms"] = Milliseconds,
        ["message.timestamp.before.max.ms"] = Milliseconds,
        ["message.timestamp.after.max.ms"] = Milliseconds,
        ["flush.messages"] = (k, v) => Long(k, v, 1, "a whole number of messages, at least 1"),
        ["min.insync.replicas"] = (k, v) => Int(k, v, 1, "a whole number, at least 1"),
        ["min.cleanable.dirty.ratio"] = (_, v) =>
            double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double r) && r is >= 0 and <= 1 ? null : "min.cleanable.dirty.ratio is between 0 and 1.",
        ["preallocate"] = Boolean,
        ["unclean.leader.election.enable"] = Boolean,
    };

    /// <summary>Why Kafka would refuse this value, or null. <paramref name="replicationFactor"/> bounds min.insync.replicas.</summary>
    public static string? Check(string key, string value, short replicationFactor)
    {
        if (Rules.TryGetValue(key, out var rule) && rule(key, value.Trim()) is { } error) return error;
        if (key == "min.insync.replicas" && replicationFactor > 0 && int.Parse(value, CultureInfo.InvariantCulture) > replicationFactor)
            return $"min.insync.replicas {value.Trim()} is above the replication factor {replicationFactor}: every acks=all write would fail, so Kafka refuses it.";
        return null;
    }

    /// <summary>Whether Kafka reads this numeric value as "no limit".</summary>
    public static bool MeansUnlimited(string key, long value) => key switch
    {
        "retention.ms" => value == -1,
        "retention.bytes" => value < 0,
        _ => false,
    };

    private static string? Milliseconds(string key, string value) => Long(key, value, 0, "a whole number of milliseconds, 0 or more");

    private static string? Long(string key, string value, long min, string what) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) && n >= min ? null : $"{key} is {what}.";

    private static string? Int(string key, string value, int min, string what) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) && n >= min ? null : $"{key} is {what}.";

    private static string? Boolean(string key, string value) => value is "true" or "false" ? null : $"{key} is true or false.";

    private static string? OneOf(string value, params string[] allowed) =>
        allowed.Contains(value, StringComparer.Ordinal) ? null : $"Use one of: {string.Join(", ", allowed)}.";

    /// <summary>A list read as Kafka reads one: split on commas, so "compact,,delete" has an empty item.</summary>
    private static string? ListOf(string value, params string[] allowed)
    {
        if (value.Length == 0) return $"Give at least one of: {string.Join(", ", allowed)}.";
        var items = value.Split(',', StringSplitOptions.TrimEntries);
        if (items.Any(i => i.Length == 0)) return "The list has an empty item (two commas in a row, or one at an end).";
        if (items.FirstOrDefault(i => !allowed.Contains(i, StringComparer.Ordinal)) is { } bad)
            return $"'{bad}' is not one of: {string.Join(", ", allowed)}.";
        return items.Distinct(StringComparer.Ordinal).Count() < items.Length ? "A value appears twice in the list." : null;
    }
}
