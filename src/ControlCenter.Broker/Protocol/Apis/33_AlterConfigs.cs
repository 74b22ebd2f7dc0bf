using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// AlterConfigs v0–2, served from its definition: replaces a topic's overrides with the given set
/// (legacy, non-incremental semantics). On a cluster, a broker resource's dynamic configs (the
/// replication throttle rates) are replaced the same way; every other broker config is static and
/// refused with a reason (a single broker's are all static).
/// </summary>
internal sealed class AlterConfigsApi : DefinedApi
{
    public override ApiKey Key => ApiKey.AlterConfigs;

    public override MessageSpec Request { get; } = Message("AlterConfigsRequest", "0-2", "2+",
        Array("Resources", "0+",
            Int8("ResourceType"),
            String("ResourceName"),
            Array("Configs", "0+", String("Name"), String("Value").NullableIn("0+"))),
        Bool("ValidateOnly"));

    public override MessageSpec Response { get; } = ConfigChanges.Response("AlterConfigsResponse", "0-2", "2+");

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        bool validateOnly = request.Bool("ValidateOnly");
        return ConfigChanges.Answer(context, request,
            (logs, name, configs) => logs.ReplaceTopicConfigs(name, configs.ToDictionary(c => c.String("Name") ?? "", c => c.String("Value")), validateOnly),
            (controller, name, configs) => ConfigChanges.SetBrokerConfigs(controller, name,
                configs.ToDictionary(c => c.String("Name") ?? "", c => c.String("Value")), validateOnly));
    }
}

/// <summary>Shared by AlterConfigs and IncrementalAlterConfigs: the response, resource checks and duplicate keys.</summary>
internal static class ConfigChanges
{
    public static MessageSpec Response(string name, string valid, string flexible) => Message(name, valid, flexible,
        Int32("ThrottleTimeMs"),
        Array("Responses", "0+",
            Int16("ErrorCode"),
            String("ErrorMessage").NullableIn("0+"),
            Int8("ResourceType"),
            String("ResourceName")));

    /// <summary>
    /// Applies <paramref name="change"/> to each topic resource and <paramref name="brokerChange"/> to each
    /// broker resource of the request, and answers every resource. Broker configs change at run time only
    /// on a cluster (they live in its metadata); a single broker's are static.
    /// </summary>
    public static ValueTask<StructValue> Answer(RequestContext context, StructValue request, Action<Storage.LogManager, string, IReadOnlyList<StructValue>> change,
        Action<Cluster.QuorumController, string, IReadOnlyList<StructValue>> brokerChange)
    {
        var responses = (request.Structs("Resources") ?? []).Select(resource =>
        {
            var type = (ConfigResourceType)resource.Int8("ResourceType");
            string name = resource.String("ResourceName") ?? "";
            var configs = resource.Structs("Configs") ?? [];
            var (error, message) = Apply(context.Broker, type, () =>
            {
                var duplicate = configs.GroupBy(c => c.String("Name")).FirstOrDefault(g => g.Count() > 1);
                if (duplicate is not null) throw new KafkaErrorException(ErrorCode.InvalidRequest, $"Duplicate config {duplicate.Key}");
                if (type == ConfigResourceType.Broker) brokerChange(context.Broker.Controller!, name, configs);
                else change(context.Broker.Logs, name, configs);
            });
            return new StructValue { ["ErrorCode"] = (short)error, ["ErrorMessage"] = message, ["ResourceType"] = (sbyte)type, ["ResourceName"] = name };
        });
        return ValueTask.FromResult(new StructValue { ["Responses"] = StructValue.List(responses) });
    }

    /// <summary>Validates a broker resource's new dynamic configs and, unless only validating, hands them to the controller.</summary>
    public static void SetBrokerConfigs(Cluster.QuorumController controller, string resource, IReadOnlyDictionary<string, string?> configs, bool validateOnly)
    {
        if (Config.BrokerConfig.ValidateDynamic(configs) is { } error) throw new KafkaErrorException(ErrorCode.InvalidConfig, error);
        if (!validateOnly) controller.SetBrokerConfigs(resource, configs.ToDictionary(kv => kv.Key, kv => kv.Value!, StringComparer.Ordinal));
    }

    private static (ErrorCode, string?) Apply(BrokerContext broker, ConfigResourceType type, Action change)
    {
        try
        {
            switch (type)
            {
                case ConfigResourceType.Topic:
                    change();
                    return (ErrorCode.None, null);
                case ConfigResourceType.Broker when broker.Controller is not null:
                    change();
                    return (ErrorCode.None, null);
                case ConfigResourceType.Broker:
                    return (ErrorCode.InvalidConfig,
                        "The embedded broker's configs are static: set them under EmbeddedBroker:Config in the app's configuration and restart");
                default:
                    return (ErrorCode.InvalidRequest, $"Unsupported resource type {(int)type}");
            }
        }
        catch (KafkaErrorException e)
        {
            return (e.Code, e.Message);
        }
    }
}
