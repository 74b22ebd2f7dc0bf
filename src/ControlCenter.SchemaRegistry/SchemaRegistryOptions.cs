namespace ControlCenter.SchemaRegistry;

/// <summary>The Schema Registry (configuration section "SchemaRegistry").</summary>
public sealed class SchemaRegistryOptions
{
    public const string SectionName = "SchemaRegistry";

    /// <summary>Off: no registry, records show as bytes.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>What pages say when <see cref="Enabled"/> is off (a cluster without Clusters:&lt;name&gt;:SchemaRegistry:Url says so).</summary>
    public string OffReason { get; set; } = "No schema registry is configured (SchemaRegistry:Enabled=false).";

    /// <summary>
    /// The registry's address. Embedded (the default): where the app serves Confluent's registry API,
    /// loopback by default, port 0 picks a free one. With <see cref="External"/>: the registry to use.
    /// </summary>
    public string Url { get; set; } = "http://localhost:8081";

    /// <summary>Use the registry at <see cref="Url"/> (Confluent, Redpanda, Apicurio's ccompat API) instead of serving one.</summary>
    public bool External { get; set; }

    /// <summary>"user:password" for an external registry's HTTP Basic authentication (never logged, never sent to browsers).</summary>
    public string? BasicAuthUserInfo { get; set; }

    /// <summary>The compacted topic of the managed cluster holding the embedded registry's schemas (Confluent's kafkastore.topic).</summary>
    public string Topic { get; set; } = "_schemas";

    /// <summary>How long a write waits for Kafka to acknowledge it before the request fails (Confluent's kafkastore.timeout.ms).</summary>
    public int StoreTimeoutMs { get; set; } = 30_000;
}
