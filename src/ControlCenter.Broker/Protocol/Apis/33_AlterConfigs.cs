using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// AlterConfigs v0–1: replaces a topic's overrides with the given set (legacy, non-incremental
/// semantics). Broker configs of the embedded broker are static and are refused with a reason.
/// </summary>
internal sealed class AlterConfigsApi : ApiHandler
{
    public override ApiKey Key => ApiKey.AlterConfigs;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("AlterConfigsRequest", "0-2", "2+",
        Array("Resources", "0+",
            Int8("ResourceType"),
            String("ResourceName"),
            Array("Configs", "0+", String("Name"), String("Value").NullableIn("0+"))),
        Bool("ValidateOnly"));
    public override short MaxVersion => 1;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        var resources = request.ReadArray(r => (Type: (ConfigResourceType)r.ReadInt8(), Name: r.ReadString(),
            Configs: r.ReadArray(c => (Name: c.ReadString(), Value: c.ReadNullableString()))));
        bool validateOnly = request.ReadBool();
        response.WriteInt32(0);
        response.WriteArrayLength(resources.Count);
        foreach (var (type, name, configs) in resources)
        {
            var (error, message) = ConfigChanges.Apply(context.Broker, type, name, logs =>
            {
                var duplicate = configs.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
                if (duplicate is not null) throw new KafkaErrorException(ErrorCode.InvalidRequest, $"Duplicate config {duplicate.Key}");
                logs.ReplaceTopicConfigs(name, configs.ToDictionary(c => c.Name, c => c.Value), validateOnly);
            });
            ConfigChanges.WriteResult(response, error, message, type, name);
        }
        return ValueTask.FromResult(true);
    }
}

/// <summary>Shared by AlterConfigs and IncrementalAlterConfigs: resource checks and the result entry.</summary>
internal static class ConfigChanges
{
    public static (ErrorCode, string?) Apply(BrokerContext broker, ConfigResourceType type, string name, Action<Storage.LogManager> change)
    {
        try
        {
            switch (type)
            {
                case ConfigResourceType.Topic:
                    change(broker.Logs);
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

    public static void WriteResult(KafkaWriter response, ErrorCode error, string? message, ConfigResourceType type, string name)
    {
        response.WriteErrorCode(error);
        response.WriteNullableString(message);
        response.WriteInt8((sbyte)type);
        response.WriteString(name);
    }
}
