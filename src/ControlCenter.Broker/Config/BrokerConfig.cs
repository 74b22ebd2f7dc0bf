using System.Globalization;

namespace ControlCenter.Broker.Config;

/// <summary>A config value as DescribeConfigs reports it.</summary>
public sealed record DescribedConfig(ConfigKey Key, string? Value, ConfigSource Source, IReadOnlyList<(string Name, string? Value, ConfigSource Source)> Synonyms);

/// <summary>
/// The broker's effective configuration: Kafka defaults overridden by <see cref="BrokerOptions.Config"/>.
/// Unknown keys and invalid values are rejected at start-up with one message naming them all.
/// </summary>
public sealed class BrokerConfig
{
    private readonly Dictionary<string, string> _overrides;
    private readonly Dictionary<string, string?> _static;
    private static readonly Dictionary<string, ConfigKey> BrokerKeys = BrokerConfigKeys.Keys.ToDictionary(k => k.Name, StringComparer.Ordinal);
    private static readonly Dictionary<string, ConfigKey> SynonymKeys =
        TopicConfigs.Keys.Where(k => k.BrokerSynonym is not null).ToDictionary(k => k.BrokerSynonym!, StringComparer.Ordinal);

    public BrokerConfig(IReadOnlyDictionary<string, string> overrides, IReadOnlyDictionary<string, string?>? staticValues = null)
    {
        _overrides = new Dictionary<string, string>(overrides, StringComparer.Ordinal);
        _static = new Dictionary<string, string?>(staticValues ?? new Dictionary<string, string?>(), StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (name, value) in _overrides)
        {
            if (BrokerKeys.TryGetValue(name, out var key))
            {
                if (key.ReadOnly) problems.Add($"'{name}' cannot be set here");
                else if (key.Validate(value) is { } error) problems.Add(error);
            }
            else if (SynonymKeys.TryGetValue(name, out var topicKey))
            {
                if ((topicKey with { Name = name }).Validate(value) is { } error) problems.Add(error);
            }
            else problems.Add($"Unknown broker config '{name}'");
        }
        if (problems.Count > 0)
            throw new ArgumentException("Invalid embedded broker configuration: " + string.Join("; ", problems));
    }

    /// <summary>
    /// Dynamic broker configs (KRaft's ConfigRecords): this node's own, then the cluster-wide
    /// defaults. Only keys marked dynamic; replaced whole when the cluster metadata changes.
    /// </summary>
    private volatile Dictionary<string, (string Value, ConfigSource Source)> _dynamic = new(StringComparer.Ordinal);

    public void ApplyDynamic(IReadOnlyDictionary<string, string>? node, IReadOnlyDictionary<string, string>? clusterDefault)
    {
        var next = new Dictionary<string, (string, ConfigSource)>(StringComparer.Ordinal);
        foreach (var (k, v) in clusterDefault ?? new Dictionary<string, string>()) next[k] = (v, ConfigSource.DynamicDefaultBrokerConfig);
        foreach (var (k, v) in node ?? new Dictionary<string, string>()) next[k] = (v, ConfigSource.DynamicBrokerConfig);
        _dynamic = next;
    }

    /// <summary>Checks a resource's dynamic configs: only keys that can change at run time, with valid values.</summary>
    public static string? ValidateDynamic(IReadOnlyDictionary<string, string?> configs)
    {
        foreach (var (name, value) in configs)
        {
            if (!BrokerKeys.TryGetValue(name, out var key)) return $"Unknown broker config '{name}'";
            if (!key.Dynamic)
                return $"'{name}' cannot be changed at run time: set it under EmbeddedBroker:Config in the app's configuration and restart";
            if (key.Validate(value) is { } error) return error;
        }
        return null;
    }

    public string? Get(string name) =>
        _dynamic.TryGetValue(name, out var d) ? d.Value
        : _overrides.TryGetValue(name, out var v) ? v
        : _static.TryGetValue(name, out var s) ? s
        : BrokerKeys.TryGetValue(name, out var key) ? key.DefaultValue
        : SynonymKeys.TryGetValue(name, out var topicKey) ? topicKey.DefaultValue
        : null;

    public int GetInt(string name) => int.Parse(Get(name)!, CultureInfo.InvariantCulture);
    public long GetLong(string name) => long.Parse(Get(name)!, CultureInfo.InvariantCulture);
    public bool GetBool(string name) => Get(name) == "true";

    public bool AutoCreateTopics => GetBool(BrokerConfigKeys.AutoCreateTopicsEnable);
    public int NumPartitions => GetInt(BrokerConfigKeys.NumPartitions);
    public int SocketRequestMaxBytes => GetInt(BrokerConfigKeys.SocketRequestMaxBytes);
    public long RetentionCheckIntervalMs => GetLong(BrokerConfigKeys.LogRetentionCheckIntervalMs);

    /// <summary>The broker-level value a topic config falls back to, with its source.</summary>
    public (string? Value, ConfigSource Source) TopicDefault(ConfigKey topicKey) =>
        topicKey.BrokerSynonym is { } synonym && _overrides.TryGetValue(synonym, out var v)
            ? (v, ConfigSource.StaticBrokerConfig)
            : (topicKey.DefaultValue, ConfigSource.DefaultConfig);

    public IEnumerable<DescribedConfig> Describe()
    {
        foreach (var key in BrokerConfigKeys.Keys)
            yield return DescribeKey(key, key.Name);
        foreach (var topicKey in TopicConfigs.Keys.Where(k => k.BrokerSynonym is not null))
            yield return DescribeKey(topicKey with { Name = topicKey.BrokerSynonym!, BrokerSynonym = null, ReadOnly = true }, topicKey.BrokerSynonym!);
    }

    private DescribedConfig DescribeKey(ConfigKey key, string name)
    {
        bool isSet = _overrides.ContainsKey(name) || _static.ContainsKey(name);
        var staticSource = isSet ? ConfigSource.StaticBrokerConfig : ConfigSource.DefaultConfig;
        var source = _dynamic.TryGetValue(name, out var dynamic) ? dynamic.Source : staticSource;
        var value = Get(name);
        var synonyms = new List<(string, string?, ConfigSource)> { (name, value, source) };
        if (source != staticSource) synonyms.Add((name, _overrides.GetValueOrDefault(name) ?? _static.GetValueOrDefault(name) ?? key.DefaultValue, staticSource));
        if (isSet && key.DefaultValue is not null) synonyms.Add((name, key.DefaultValue, ConfigSource.DefaultConfig));
        return new DescribedConfig(key with { Name = name }, value, source, synonyms);
    }
}
