using Confluent.Kafka;
using ControlCenter.Broker;
using ControlCenter.Broker.Config;
using ControlCenter.Kafka;

namespace ControlCenter.Web.Hosting;

/// <summary>
/// Checks run before the host is built, each giving one clear sentence instead of a stack
/// trace: the native librdkafka that actually loaded, the Kafka options, the embedded broker's.
/// </summary>
public static class StartupChecks
{
    public static List<string> Run(IConfiguration configuration)
    {
        var problems = new List<string>();
        CheckLibrdkafka(problems);

        var kafka = new KafkaOptions();
        configuration.GetSection(KafkaOptions.SectionName).Bind(kafka);
        var result = new KafkaOptionsValidator().Validate(null, kafka);
        if (result.Failed) problems.AddRange(result.Failures);

        if (configuration.GetValue("RestProxy:Enabled", true) && configuration["RestProxy:Url"] is { } proxyUrl
            && (!Uri.TryCreate(proxyUrl, UriKind.Absolute, out var proxy) || proxy.Scheme is not ("http" or "https") || proxy.AbsolutePath != "/"))
            problems.Add($"RestProxy:Url '{proxyUrl}' is not an address to listen on like http://localhost:8082 (RestProxy:Enabled=false turns the proxy off).");
        if (configuration.GetValue("SchemaRegistry:Enabled", true) && configuration["SchemaRegistry:Url"] is { } registryUrl
            && (!Uri.TryCreate(registryUrl, UriKind.Absolute, out var registry) || registry.Scheme is not ("http" or "https")))
            problems.Add($"SchemaRegistry:Url '{registryUrl}' is not an address like http://localhost:8081 (SchemaRegistry:Enabled=false turns the registry off).");

        var access = new ControlCenter.Access.AccessOptions();
        configuration.GetSection(ControlCenter.Access.AccessOptions.SectionName).Bind(access);
        problems.AddRange(ControlCenter.Access.AccessStartupChecks.Problems(access, Listeners(configuration)));
        var masking = new ControlCenter.Kafka.Masking.MaskingOptions();
        configuration.GetSection(ControlCenter.Kafka.Masking.MaskingOptions.SectionName).Bind(masking);
        problems.AddRange(new ControlCenter.Kafka.Masking.MaskingPolicy(Microsoft.Extensions.Options.Options.Create(masking)).Problems);
        foreach (var cluster in ControlCenter.Kafka.Clusters.ClusterRegistry.Configured(configuration).Where(c => c.Origin == ControlCenter.Kafka.Clusters.ClusterOrigin.Configuration))
        {
            if (ControlCenter.Kafka.Clusters.ClusterDefinition.ValidateName(cluster.Name) is { } name) problems.Add($"Clusters:{cluster.Name}: {name}");
            else problems.AddRange(ControlCenter.Kafka.Clusters.ClusterRegistry.Problems(cluster.Options, cluster.Name));
        }
        if (ControlCenter.Kafka.Clusters.ClusterRegistry.Configured(configuration).GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            problems.Add($"Clusters:{twice.Key} clashes with the cluster of the Kafka section (named '{twice.Key}'): rename it.");
        var alerts = new ControlCenter.Kafka.Alerts.AlertOptions();
        configuration.GetSection(ControlCenter.Kafka.Alerts.AlertOptions.SectionName).Bind(alerts);
        problems.AddRange(alerts.Compile().Problems);

        if (string.IsNullOrWhiteSpace(kafka.BootstrapServers))
        {
            if (!configuration.GetValue("EmbeddedBroker:Enabled", true))
                problems.Add("Kafka:BootstrapServers is empty and EmbeddedBroker:Enabled is false: there is no cluster to manage. Set Kafka:BootstrapServers.");
            var broker = new BrokerOptions();
            configuration.GetSection(BrokerOptions.SectionName).Bind(broker);
            if (broker.Port is < 0 or > 65535) problems.Add($"EmbeddedBroker:Port must be 0-65535, not {broker.Port}");
            if (broker.Nodes is < 1 or > ControlCenter.Broker.Cluster.EmbeddedCluster.MaxNodes)
                problems.Add($"EmbeddedBroker:Nodes must be 1-{ControlCenter.Broker.Cluster.EmbeddedCluster.MaxNodes}, not {broker.Nodes}");
            else if (broker.Port > 0 && broker.Port + broker.Nodes - 1 > 65535)
                problems.Add($"EmbeddedBroker:Port {broker.Port} leaves no room for {broker.Nodes} nodes (they listen on Port..Port+{broker.Nodes - 1})");
            try { _ = new BrokerConfig(broker.Config); }
            catch (ArgumentException e) { problems.Add(e.Message); }
            if (DataDirLayoutProblem(broker) is { } layout) problems.Add(layout);
        }
        return problems;
    }

    /// <summary>Every HTTP address the app will serve: the dashboard, and the REST proxy and registry when they run.</summary>
    private static IEnumerable<string> Listeners(IConfiguration configuration)
    {
        string urls = configuration["urls"] ?? configuration["Kestrel:Endpoints:Http:Url"] ?? "http://localhost:9021";
        foreach (string url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) yield return url;
        if (configuration.GetValue("RestProxy:Enabled", true)) yield return configuration["RestProxy:Url"] ?? "http://localhost:8082";
        if (configuration.GetValue("SchemaRegistry:Enabled", true) && !configuration.GetValue("SchemaRegistry:External", false))
            yield return configuration["SchemaRegistry:Url"] ?? "http://localhost:8081";
    }

    /// <summary>
    /// A single broker keeps its log dir in DataDir itself; a cluster of N keeps broker-1..N and
    /// the controller's metadata there. Starting one over the other's data would ignore that data
    /// (or leave replicas on nodes that no longer exist), so say so before anything is written.
    /// </summary>
    internal static string? DataDirLayoutProblem(BrokerOptions broker)
    {
        string dir = Path.GetFullPath(broker.DataDir);
        if (!Directory.Exists(dir)) return null;
        int clusterNodes = Directory.EnumerateDirectories(dir, "broker-*")
            .Select(d => int.TryParse(Path.GetFileName(d)["broker-".Length..], out int id) ? id : 0).DefaultIfEmpty(0).Max();
        bool single = File.Exists(Path.Combine(dir, ControlCenter.LogFormat.Files.LogFileNames.MetaPropertiesFile));
        if (broker.Nodes > 1 && single)
            return $"EmbeddedBroker:DataDir '{dir}' holds a single broker's data, but EmbeddedBroker:Nodes is {broker.Nodes}. " +
                   "Run with --EmbeddedBroker:Nodes=1 to keep using it, or point EmbeddedBroker:DataDir at another directory for the cluster.";
        if (broker.Nodes == 1 && Directory.Exists(Path.Combine(dir, "controller")))
            return $"EmbeddedBroker:DataDir '{dir}' holds the data of an embedded cluster of {Math.Max(clusterNodes, 2)} nodes, but EmbeddedBroker:Nodes is 1. " +
                   $"Run with --EmbeddedBroker:Nodes={Math.Max(clusterNodes, 2)} to keep using it, or point EmbeddedBroker:DataDir at another directory.";
        if (broker.Nodes > 1 && clusterNodes > broker.Nodes)
            return $"EmbeddedBroker:DataDir '{dir}' holds the data of an embedded cluster of {clusterNodes} nodes, but EmbeddedBroker:Nodes is {broker.Nodes}: " +
                   $"replicas on nodes {broker.Nodes + 1}-{clusterNodes} would never come back. Run with --EmbeddedBroker:Nodes={clusterNodes}, or use another DataDir.";
        return null;
    }

    /// <summary>
    /// Confluent.Kafka falls back to a system librdkafka when its bundled one cannot load; an
    /// older one (Debian's 2.0.2) crashes consumers later. Refuse to start with a clear reason.
    /// </summary>
    private static void CheckLibrdkafka(List<string> problems)
    {
        var expected = typeof(Library).Assembly.GetName().Version!;
        string loaded;
        try { loaded = Library.VersionString; }
        catch (Exception e) { problems.Add($"librdkafka could not be loaded: {e.Message}"); return; }
        if (!Version.TryParse(loaded.Split('-')[0], out var version) || version < new Version(expected.Major, expected.Minor, expected.Build))
            problems.Add($"librdkafka {loaded} was loaded, but Confluent.Kafka {expected.ToString(3)} needs its own build. " +
                         "A system librdkafka.so (e.g. Debian's librdkafka-dev) is shadowing it: remove that package.");
    }
}
