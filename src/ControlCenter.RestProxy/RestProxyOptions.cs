namespace ControlCenter.RestProxy;

/// <summary>The REST Proxy v2 (configuration section "RestProxy").</summary>
public sealed class RestProxyOptions
{
    public const string SectionName = "RestProxy";

    /// <summary>Off: no REST proxy at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where it listens: loopback by default; port 0 picks a free one.</summary>
    public string Url { get; set; } = "http://localhost:8082";

    /// <summary>An idle consumer instance is closed (leaving its group) after this long (Confluent's consumer.instance.timeout.ms).</summary>
    public int ConsumerInstanceTimeoutMs { get; set; } = 300_000;

    /// <summary>The longest a records read waits, and the default (Confluent's consumer.request.timeout.ms).</summary>
    public int ConsumerRequestTimeoutMs { get; set; } = 1000;

    /// <summary>The most bytes of keys and values one records read returns (Confluent's consumer.request.max.bytes).</summary>
    public long ConsumerRequestMaxBytes { get; set; } = 64L * 1024 * 1024;
}
