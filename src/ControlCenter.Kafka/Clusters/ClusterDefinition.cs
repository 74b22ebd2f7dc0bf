using System.Text.RegularExpressions;

namespace ControlCenter.Kafka.Clusters;

/// <summary>
/// One cluster the dashboard manages: its name (in URLs: /clusters/{name}/…) and how to reach it.
/// The default cluster comes from the Kafka section (or is the embedded one); others from
/// Clusters:&lt;name&gt; or added by an admin in the dashboard (kept in the cluster store).
/// </summary>
public sealed partial record ClusterDefinition(string Name, KafkaOptions Options, ClusterOrigin Origin)
{
    public const string DefaultName = "default";

    public bool IsEmbedded => string.IsNullOrWhiteSpace(Options.BootstrapServers);

    /// <summary>The cluster of old URLs, the REST proxy's v2 paths and the embedded schema registry.</summary>
    public bool IsDefault { get; init; }
    public string DisplayName => Options.ClusterName ?? (Name == DefaultName ? (IsEmbedded ? "Embedded cluster" : "Kafka cluster") : Name);

    /// <summary>Null when the name can be a cluster's: 1 to 64 letters, digits, '.', '_' or '-' (it is a URL segment).</summary>
    public static string? ValidateName(string? name) =>
        string.IsNullOrEmpty(name) || !NameRule().IsMatch(name) ? $"'{name}' is not a cluster name: use 1 to 64 letters, digits, '.', '_' or '-'." : null;

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NameRule();
}

public enum ClusterOrigin { Default, Configuration, Dashboard }
