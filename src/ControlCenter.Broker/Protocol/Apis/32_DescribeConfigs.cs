using ControlCenter.Broker.Config;
using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>Config resource types of the admin APIs.</summary>
internal enum ConfigResourceType : sbyte { Unknown = 0, Topic = 2, Broker = 4, BrokerLogger = 8 }

/// <summary>
/// DescribeConfigs v0–4, served from its definition: topic and broker configs with their source,
/// synonyms (v1+), type and documentation (v3); v4 is flexible. Sensitive values are never sent.
/// </summary>
internal sealed class DescribeConfigsApi : DefinedApi
{
    public override ApiKey Key => ApiKey.DescribeConfigs;

    public override MessageSpec Request { get; } = Message("DescribeConfigsRequest", "0-4", "4+",
        Array("Resources", "0+",
            Int8("ResourceType"),
            String("ResourceName"),
            ArrayOf(FieldKind.String, "ConfigurationKeys").NullableIn("0+")),
        Bool("IncludeSynonyms", "1+"),
        Bool("IncludeDocumentation", "3+"));

    public override MessageSpec Response { get; } = Message("DescribeConfigsResponse", "0-4", "4+",
        Int32("ThrottleTimeMs"),
        Array("Results", "0+",
            Int16("ErrorCode"),
            String("ErrorMessage").NullableIn("0+"),
            Int8("ResourceType"),
            String("ResourceName"),
            Array("Configs", "0+",
                String("Name"),
                String("Value").NullableIn("0+"),
                Bool("ReadOnly"),
                Bool("IsDefault", "0"),
                Int8("ConfigSource", "1+").WithDefault((sbyte)-1),
                Bool("IsSensitive"),
                Array("Synonyms", "1+", String("Name"), String("Value").NullableIn("0+"), Int8("Source")),
                Int8("ConfigType", "3+"),
                String("Documentation", "3+").NullableIn("0+"))));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        bool includeSynonyms = request.Bool("IncludeSynonyms"), includeDocumentation = request.Bool("IncludeDocumentation");
        var results = (request.Structs("Resources") ?? []).Select(resource =>
        {
            var type = (ConfigResourceType)resource.Int8("ResourceType");
            string name = resource.String("ResourceName") ?? "";
            var (error, message, configs) = Describe(context.Broker, type, name);
            if (resource.Array<string>("ConfigurationKeys") is { } keys) configs = configs.Where(c => keys.Contains(c.Key.Name)).ToList();
            return new StructValue
            {
                ["ErrorCode"] = (short)error, ["ErrorMessage"] = message, ["ResourceType"] = (sbyte)type, ["ResourceName"] = name,
                ["Configs"] = StructValue.List(configs.Select(c => new StructValue
                {
                    ["Name"] = c.Key.Name,
                    ["Value"] = c.Key.Sensitive ? null : c.Value,
                    ["ReadOnly"] = c.Key.ReadOnly,
                    ["IsDefault"] = c.Source == ConfigSource.DefaultConfig,
                    ["ConfigSource"] = (sbyte)c.Source,
                    ["IsSensitive"] = c.Key.Sensitive,
                    ["Synonyms"] = StructValue.List((includeSynonyms ? c.Synonyms : []).Select(syn => new StructValue
                    {
                        ["Name"] = syn.Name, ["Value"] = c.Key.Sensitive ? null : syn.Value, ["Source"] = (sbyte)syn.Source,
                    })),
                    ["ConfigType"] = (sbyte)c.Key.Type,
                    ["Documentation"] = includeDocumentation ? c.Key.Documentation : null,
                })),
            };
        });
        return ValueTask.FromResult(new StructValue { ["Results"] = StructValue.List(results) });
    }

    private static (ErrorCode, string?, List<DescribedConfig>) Describe(BrokerContext broker, ConfigResourceType type, string name)
    {
        switch (type)
        {
            case ConfigResourceType.Topic:
                var topic = broker.Logs.GetTopic(name);
                if (topic is null) return (ErrorCode.UnknownTopicOrPartition, $"Topic '{name}' does not exist", []);
                return (ErrorCode.None, null, DescribeTopic(broker, topic.Configs));
            case ConfigResourceType.Broker:
                if (name.Length > 0 && name != broker.NodeId.ToString())
                    return (ErrorCode.InvalidRequest, $"Unexpected broker id, expected {broker.NodeId} or empty string, but received {name}", []);
                return (ErrorCode.None, null, BrokerDescription(broker).ToList());
            default:
                return (ErrorCode.InvalidRequest, $"Unsupported resource type {(int)type}", []);
        }
    }

    /// <summary>Every config of a topic with these overrides, as DescribeConfigs and CreateTopics (v5+) report them.</summary>
    internal static List<DescribedConfig> DescribeTopic(BrokerContext broker, IReadOnlyDictionary<string, string> overrides) =>
        TopicConfigs.Keys
            .Where(key => !key.Internal || overrides.ContainsKey(key.Name))
            .Select(key => DescribeTopicConfig(broker, overrides, key)).ToList();

    private static DescribedConfig DescribeTopicConfig(BrokerContext broker, IReadOnlyDictionary<string, string> overrides, ConfigKey key)
    {
        var (brokerValue, brokerSource) = broker.Logs.BrokerConfig.TopicDefault(key);
        var synonyms = new List<(string, string?, ConfigSource)>();
        if (overrides.TryGetValue(key.Name, out var topicValue)) synonyms.Add((key.Name, topicValue, ConfigSource.DynamicTopicConfig));
        if (brokerSource == ConfigSource.StaticBrokerConfig) synonyms.Add((key.BrokerSynonym!, brokerValue, brokerSource));
        if (key.DefaultValue is not null) synonyms.Add((key.BrokerSynonym ?? key.Name, key.DefaultValue, ConfigSource.DefaultConfig));
        return topicValue is not null
            ? new DescribedConfig(key, topicValue, ConfigSource.DynamicTopicConfig, synonyms)
            : new DescribedConfig(key, brokerValue, brokerSource, synonyms);
    }

    private static IEnumerable<DescribedConfig> BrokerDescription(BrokerContext broker)
    {
        foreach (var c in broker.Logs.BrokerConfig.Describe())
        {
            string? value = c.Key.Name switch
            {
                "log.dirs" => broker.Logs.DataDir,
                "node.id" or "broker.id" => broker.NodeId.ToString(),
                "listeners" => $"PLAINTEXT://{broker.Options.Host}:{broker.BoundPort}",
                "advertised.listeners" => $"PLAINTEXT://{broker.AdvertisedHost}:{broker.AdvertisedPort}",
                _ => c.Value,
            };
            var source = value != c.Value ? ConfigSource.StaticBrokerConfig : c.Source;
            yield return c with { Value = value, Source = source, Synonyms = [(c.Key.Name, value, source)] };
        }
    }
}
