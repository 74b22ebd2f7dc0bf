using System.Globalization;

using ControlCenter.Kafka.Topics;

namespace ControlCenter.Web.Components.Topics;

public enum ValueMode { Default, Unlimited, Custom }

/// <summary>A duration typed as an amount and a unit ("7 days"), stored by Kafka in milliseconds.</summary>
public sealed class DurationValue
{
    public static readonly IReadOnlyList<(string Unit, long Ms)> Units = [("ms", 1), ("seconds", 1000), ("minutes", 60_000), ("hours", 3_600_000), ("days", 86_400_000)];

    public ValueMode Mode { get; set; } = ValueMode.Default;
    public double Amount { get; set; } = 7;
    public string Unit { get; set; } = "days";

    public long? Milliseconds => Mode switch
    {
        ValueMode.Unlimited => -1,
        ValueMode.Custom => (long)Math.Round(Amount * Units.First(u => u.Unit == Unit).Ms),
        _ => null,
    };

    /// <summary>Shows a millisecond value in the largest unit that divides it.</summary>
    public void Set(long ms)
    {
        if (ms < 0) { Mode = ValueMode.Unlimited; return; }
        Mode = ValueMode.Custom;
        var unit = Units.Reverse().FirstOrDefault(u => ms % u.Ms == 0 && ms >= u.Ms);
        if (unit.Unit is null) unit = Units[0];
        Unit = unit.Unit;
        Amount = (double)ms / unit.Ms;
    }
}

/// <summary>A size typed as an amount and a binary unit ("1 GiB"), stored by Kafka in bytes.</summary>
public sealed class SizeValue
{
    public static readonly IReadOnlyList<(string Unit, long Bytes)> Units = [("B", 1), ("KiB", 1024), ("MiB", 1024 * 1024), ("GiB", 1024L * 1024 * 1024), ("TiB", 1024L * 1024 * 1024 * 1024)];

    public ValueMode Mode { get; set; } = ValueMode.Default;
    public double Amount { get; set; } = 1;
    public string Unit { get; set; } = "GiB";

    public long? Bytes => Mode switch
    {
        ValueMode.Unlimited => -1,
        ValueMode.Custom => (long)Math.Round(Amount * Units.First(u => u.Unit == Unit).Bytes),
        _ => null,
    };

    public void Set(long bytes)
    {
        if (bytes < 0) { Mode = ValueMode.Unlimited; return; }
        Mode = ValueMode.Custom;
        var unit = Units.Reverse().FirstOrDefault(u => bytes % u.Bytes == 0 && bytes >= u.Bytes);
        if (unit.Unit is null) unit = Units[0];
        Unit = unit.Unit;
        Amount = (double)bytes / unit.Bytes;
    }
}

public sealed class ExtraConfig
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}

/// <summary>
/// What the create-topic form edits, in the units people think in. <see cref="ToSpec"/> turns
/// it into exactly the configs Kafka expects; fields left at "broker default" are not sent.
/// </summary>
public sealed class TopicForm
{
    public const string Default = "";

    public string Name { get; set; } = "";
    public int Partitions { get; set; } = 3;
    public short ReplicationFactor { get; set; } = 1;
    public string CleanupPolicy { get; set; } = Default;
    public DurationValue Retention { get; } = new();
    public SizeValue RetentionBytes { get; } = new() { Mode = ValueMode.Default };
    public SizeValue SegmentBytes { get; } = new() { Unit = "MiB", Amount = 256 };
    public SizeValue MaxMessageBytes { get; } = new() { Unit = "MiB", Amount = 1 };
    public int? MinInSyncReplicas { get; set; }
    public string CompressionType { get; set; } = Default;
    public string TimestampType { get; set; } = Default;
    public List<ExtraConfig> Extra { get; } = [];

    /// <summary>Config keys the friendly inputs own; the same keys typed as extra configs are refused.</summary>
    public static readonly IReadOnlySet<string> FriendlyKeys = new HashSet<string>
    {
        "cleanup.policy", "retention.ms", "retention.bytes", "segment.bytes", "max.message.bytes",
        "min.insync.replicas", "compression.type", "message.timestamp.type",
    };

    public Dictionary<string, string> Configs()
    {
        var configs = new Dictionary<string, string>(StringComparer.Ordinal);
        void Put(string key, string? value) { if (!string.IsNullOrEmpty(value)) configs[key] = value; }
        Put("cleanup.policy", CleanupPolicy);
        Put("retention.ms", Retention.Milliseconds?.ToString(CultureInfo.InvariantCulture));
        Put("retention.bytes", RetentionBytes.Bytes?.ToString(CultureInfo.InvariantCulture));
        Put("segment.bytes", SegmentBytes.Mode == ValueMode.Custom ? SegmentBytes.Bytes?.ToString(CultureInfo.InvariantCulture) : null);
        Put("max.message.bytes", MaxMessageBytes.Mode == ValueMode.Custom ? MaxMessageBytes.Bytes?.ToString(CultureInfo.InvariantCulture) : null);
        Put("min.insync.replicas", MinInSyncReplicas?.ToString(CultureInfo.InvariantCulture));
        Put("compression.type", CompressionType);
        Put("message.timestamp.type", TimestampType);
        foreach (var extra in Extra.Where(e => e.Key.Trim().Length > 0 && !configs.ContainsKey(e.Key.Trim())))
            configs[extra.Key.Trim()] = extra.Value;
        return configs;
    }

    public TopicSpec ToSpec() => new(Name.Trim(), Partitions, ReplicationFactor, Configs());

    /// <summary>Form-level checks (on top of <see cref="TopicSpecValidator"/>) for what only the form can get wrong.</summary>
    public List<FieldIssue> Validate(int brokerCount, IEnumerable<string> existingTopics, long existingReplicas = 0)
    {
        var issues = new List<FieldIssue>();
        if (Name != Name.Trim()) issues.Add(new("name", "The name has leading or trailing spaces."));
        if (Retention.Mode == ValueMode.Custom && Retention.Amount <= 0) issues.Add(new("config:retention.ms", "Retention must be more than 0 (or choose unlimited)."));
        if (RetentionBytes.Mode == ValueMode.Custom && RetentionBytes.Amount <= 0) issues.Add(new("config:retention.bytes", "Retention size must be more than 0 (or choose unlimited)."));
        if (SegmentBytes.Mode == ValueMode.Custom && SegmentBytes.Bytes > int.MaxValue) issues.Add(new("config:segment.bytes", "A segment can be at most 2 GiB."));
        if (MaxMessageBytes.Mode == ValueMode.Custom && MaxMessageBytes.Bytes > int.MaxValue) issues.Add(new("config:max.message.bytes", "max.message.bytes can be at most 2 GiB."));
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Extra.Count; i++)
        {
            string key = Extra[i].Key.Trim();
            if (key.Length == 0 && Extra[i].Value.Length == 0) continue;
            if (key.Length == 0) issues.Add(new($"extra:{i}", "A config needs a name."));
            else if (!keys.Add(key)) issues.Add(new($"extra:{i}", $"{key} is listed twice."));
            else if (FriendlyKeys.Contains(key)) issues.Add(new($"extra:{i}", $"{key} has its own field above."));
        }
        var spec = ToSpec();
        issues.AddRange(TopicSpecValidator.Validate(spec, brokerCount, existingTopics, existingReplicas)
            .Where(i => !issues.Any(existing => existing.Field == i.Field && !existing.IsWarning)));
        return issues;
    }

    /// <summary>A form pre-filled from an existing topic ("clone settings"): its overridden configs, a new name.</summary>
    public static TopicForm CloneOf(string topic, int partitions, short replicationFactor, IEnumerable<TopicConfigEntry> configs)
    {
        var form = new TopicForm { Name = topic + "-copy", Partitions = partitions, ReplicationFactor = replicationFactor };
        foreach (var c in configs.Where(c => c.IsOverridden && !c.IsSensitive && c.Value is not null))
        {
            string v = c.Value!;
            switch (c.Name)
            {
                case "cleanup.policy": form.CleanupPolicy = v; break;
                case "retention.ms" when long.TryParse(v, out long ms): form.Retention.Set(ms); break;
                case "retention.bytes" when long.TryParse(v, out long b): form.RetentionBytes.Set(b); break;
                case "segment.bytes" when long.TryParse(v, out long sb): form.SegmentBytes.Set(sb); break;
                case "max.message.bytes" when long.TryParse(v, out long mb): form.MaxMessageBytes.Set(mb); break;
                case "min.insync.replicas" when int.TryParse(v, out int isr): form.MinInSyncReplicas = isr; break;
                case "compression.type": form.CompressionType = v; break;
                case "message.timestamp.type": form.TimestampType = v; break;
                default: form.Extra.Add(new ExtraConfig { Key = c.Name, Value = v }); break;
            }
        }
        return form;
    }
}
