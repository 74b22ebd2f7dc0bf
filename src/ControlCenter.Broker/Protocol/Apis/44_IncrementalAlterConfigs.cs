using ControlCenter.Broker.Server;
using ControlCenter.Broker.Storage;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>IncrementalAlterConfigs v0: SET, DELETE, APPEND and SUBTRACT per topic config key.</summary>
internal sealed class IncrementalAlterConfigsApi : ApiHandler
{
    public override ApiKey Key => ApiKey.IncrementalAlterConfigs;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("IncrementalAlterConfigsRequest", "0-1", "1+",
        Array("Resources", "0+",
            Int8("ResourceType"),
            String("ResourceName"),
            Array("Configs", "0+", String("Name"), Int8("ConfigOperation"), String("Value").NullableIn("0+"))),
        Bool("ValidateOnly"));
    public override short MaxVersion => 0;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        var resources = request.ReadArray(r => (Type: (ConfigResourceType)r.ReadInt8(), Name: r.ReadString(),
            Configs: r.ReadArray(c => (Name: c.ReadString(), Op: (ConfigOperation)c.ReadInt8(), Value: c.ReadNullableString()))));
        bool validateOnly = request.ReadBool();
        response.WriteInt32(0);
        response.WriteArrayLength(resources.Count);
        foreach (var (type, name, configs) in resources)
        {
            var (error, message) = ConfigChanges.Apply(context.Broker, type, name, logs =>
            {
                var duplicate = configs.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
                if (duplicate is not null) throw new KafkaErrorException(ErrorCode.InvalidRequest, $"Duplicate config {duplicate.Key}");
                logs.IncrementalAlterTopicConfigs(name, configs, validateOnly);
            });
            ConfigChanges.WriteResult(response, error, message, type, name);
        }
        return ValueTask.FromResult(true);
    }
}
