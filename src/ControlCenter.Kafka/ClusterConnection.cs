using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace ControlCenter.Kafka;

/// <summary>
/// The cluster the app manages and the client configs to reach it. With no bootstrap list
/// configured, the host starts the embedded broker and calls <see cref="UseEmbeddedBroker"/>.
/// Every client in the app is configured here, so Kafka:Client properties apply everywhere.
/// </summary>
public sealed class ClusterConnection(IOptions<KafkaOptions> options)
{
    private readonly KafkaOptions _options = options.Value;
    private string? _embeddedBootstrap;
    private string? _embeddedDataDir;

    public bool IsEmbedded => string.IsNullOrWhiteSpace(_options.BootstrapServers);

    /// <summary>The effective bootstrap list (the embedded broker's address once it runs).</summary>
    public string BootstrapServers => IsEmbedded
        ? _embeddedBootstrap ?? throw new InvalidOperationException("The embedded broker has not started yet")
        : _options.BootstrapServers!.Trim();

    public bool IsReady => !IsEmbedded || _embeddedBootstrap is not null;

    public string DisplayName => _options.ClusterName ?? (IsEmbedded ? "Embedded cluster" : "Kafka cluster");

    public int RequestTimeoutMs => _options.RequestTimeoutMs;

    /// <summary>Kafka log dirs the app can read: the embedded broker's data dir, or Kafka:LogDirs.</summary>
    public IReadOnlyList<string> LogDirs => _embeddedDataDir is { } dir ? [dir] : _options.LogDirs;

    public void UseEmbeddedBroker(string bootstrapServers, string dataDir)
    {
        _embeddedDataDir = dataDir;
        _embeddedBootstrap = bootstrapServers;
    }

    private T Apply<T>(T config) where T : ClientConfig
    {
        foreach (var (key, value) in _options.Client) config.Set(key, value);
        config.BootstrapServers = BootstrapServers;
        config.ClientId ??= "kafka-control-center";
        return config;
    }

    public AdminClientConfig AdminConfig() => Apply(new AdminClientConfig());

    public ProducerConfig ProducerConfig(Action<ProducerConfig>? configure = null)
    {
        var config = Apply(new ProducerConfig());
        configure?.Invoke(config);
        return config;
    }

    public ConsumerConfig ConsumerConfig(string groupId, Action<ConsumerConfig>? configure = null)
    {
        var config = Apply(new ConsumerConfig { GroupId = groupId, EnableAutoCommit = false, EnableAutoOffsetStore = false });
        configure?.Invoke(config);
        return config;
    }

    /// <summary>Client properties safe to show or log: secrets are masked.</summary>
    public IReadOnlyDictionary<string, string> RedactedClientProperties() =>
        _options.Client.ToDictionary(kv => kv.Key, kv => Secrets.IsSensitiveKey(kv.Key) ? Secrets.Mask : kv.Value);
}

/// <summary>Which config keys hold secrets (never shown, never logged).</summary>
public static class Secrets
{
    public const string Mask = "••••••";

    public static bool IsSensitiveKey(string key) =>
        key.Contains("password", StringComparison.OrdinalIgnoreCase)
        || key.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || key.Contains("jaas", StringComparison.OrdinalIgnoreCase)
        || key.Contains("token", StringComparison.OrdinalIgnoreCase)
        || key.EndsWith(".key.pem", StringComparison.OrdinalIgnoreCase)
        || key.Contains("credential", StringComparison.OrdinalIgnoreCase);
}
