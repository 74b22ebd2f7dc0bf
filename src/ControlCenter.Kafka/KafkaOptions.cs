namespace ControlCenter.Kafka;

/// <summary>Which cluster to manage and how to reach it (configuration section "Kafka").</summary>
public sealed class KafkaOptions
{
    public const string SectionName = "Kafka";

    /// <summary>Comma-separated host:port list. Empty: the app starts its embedded broker and manages that.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>Any librdkafka property (security.protocol, sasl.*, ssl.*…), applied to every client the app creates.</summary>
    public Dictionary<string, string> Client { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Kafka log directories readable by the app (for the Segments view of an external cluster).</summary>
    public List<string> LogDirs { get; set; } = [];

    /// <summary>Name shown in the app bar; defaults to "Embedded cluster" or the bootstrap list.</summary>
    public string? ClusterName { get; set; }

    /// <summary>Timeout of admin requests; an unreachable cluster is reported after this long.</summary>
    public int RequestTimeoutMs { get; set; } = 5000;

    /// <summary>Nothing can be changed on this cluster from the dashboard (Clusters:&lt;name&gt;:ReadOnly; Auth:ReadOnly covers every cluster).</summary>
    public bool ReadOnly { get; set; }

    /// <summary>This cluster's schema registry (Clusters:&lt;name&gt;:SchemaRegistry:Url); empty: the embedded registry serves the default cluster only.</summary>
    public ClusterRegistryOptions SchemaRegistry { get; set; } = new();
}

public sealed class ClusterRegistryOptions
{
    public string? Url { get; set; }
}
