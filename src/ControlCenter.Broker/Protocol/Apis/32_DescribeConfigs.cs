using ControlCenter.Broker.Config;
using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>Config resource types of the admin APIs.</summary>
internal enum ConfigResourceType : sbyte { Unknown = 0, Topic = 2, Broker = 4, BrokerLogger = 8 }

/// <summary>
/// DescribeConfigs v0–3: topic and broker configs with their source, synonyms (v1+), type and
/// documentation (v3). Sensitive values are never sent.
/// </summary>
internal sealed class DescribeConfigsApi : ApiHandler
{
    public override ApiKey Key => ApiKey.DescribeConfigs;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("DescribeConfigsRequest", "0-4", "4+",
        Array("Resources", "0+",
            Int8("ResourceType"),
            String("ResourceName"),
            ArrayOf(FieldKind.String, "ConfigurationKeys").NullableIn("0+")),
        Bool("IncludeSynonyms", "1+"),
        Bool("IncludeDocumentation", "3+"));
    public override short MaxVersion => 3;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        short v = context.Version;
        var resources = request.ReadArray(r => (Type: (ConfigResourceType)r.ReadInt8(), Name: r.ReadString(), Keys: r.ReadNullableArray(k => k.ReadString())));
        bool includeSynonyms = v >= 1 && request.ReadBool();
        bool includeDocumentation = v >= 3 && request.ReadBool();

        response.WriteInt32(0);
        response.WriteArrayLength(resources.Count);
        foreach (var (type, name, keys) in resources)
        {
            var (error, message, configs) = Describe(context.Broker, type, name);
            if (keys is not null) configs = configs.Where(c => keys.Contains(c.Key.Name)).ToList();
            response.WriteErrorCode(error);
            response.WriteNullableString(message);
            response.WriteInt8((sbyte)type);
            response.WriteString(name);
            response.WriteArrayLength(configs.Count);
            foreach (var c in configs)
            {
                response.WriteString(c.Key.Name);
                response.WriteNullableString(c.Key.Sensitive ? null : c.Value);
                response.WriteBool(c.Key.ReadOnly);
                if (v == 0) response.WriteBool(c.Source == ConfigSource.DefaultConfig);
                else response.WriteInt8((sbyte)c.Source);
                response.WriteBool(c.Key.Sensitive);
                if (v >= 1)
                {
                    var synonyms = includeSynonyms ? c.Synonyms : [];
                    response.WriteArrayLength(synonyms.Count);
                    foreach (var (synName, synValue, synSource) in synonyms)
                    {
                        response.WriteString(synName);
                        response.WriteNullableString(c.Key.Sensitive ? null : synValue);
                        response.WriteInt8((sbyte)synSource);
                    }
                }
                if (v >= 3)
                {
                    response.WriteInt8((sbyte)c.Key.Type);
                    response.WriteNullableString(includeDocumentation ? c.Key.Documentation : null);
                }
            }
        }
        return ValueTask.FromResult(true);
    }

    private static (ErrorCode, string?, List<DescribedConfig>) Describe(BrokerContext broker, ConfigResourceType type, string name)
    {
        switch (type)
        {
            case ConfigResourceType.Topic:
                var topic = broker.Logs.GetTopic(name);
                if (topic is null) return (ErrorCode.UnknownTopicOrPartition, $"Topic '{name}' does not exist", []);
                return (ErrorCode.None, null, TopicConfigs.Keys
                    .Where(key => !key.Internal || topic.Configs.ContainsKey(key.Name))
                    .Select(key => DescribeTopicConfig(broker, topic.Configs, key)).ToList());
            case ConfigResourceType.Broker:
                if (name.Length > 0 && name != broker.NodeId.ToString())
                    return (ErrorCode.InvalidRequest, $"Unexpected broker id, expected {broker.NodeId} or empty string, but received {name}", []);
                return (ErrorCode.None, null, BrokerDescription(broker).ToList());
            default:
                return (ErrorCode.InvalidRequest, $"Unsupported resource type {(int)type}", []);
        }
    }

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
