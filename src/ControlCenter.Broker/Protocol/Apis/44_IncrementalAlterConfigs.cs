using ControlCenter.Broker.Server;
using ControlCenter.Broker.Storage;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>IncrementalAlterConfigs v0–1, served from its definition: SET, DELETE, APPEND and SUBTRACT per topic config key.</summary>
internal sealed class IncrementalAlterConfigsApi : DefinedApi
{
    public override ApiKey Key => ApiKey.IncrementalAlterConfigs;

    public override MessageSpec Request { get; } = Message("IncrementalAlterConfigsRequest", "0-1", "1+",
        Array("Resources", "0+",
            Int8("ResourceType"),
            String("ResourceName"),
            Array("Configs", "0+", String("Name"), Int8("ConfigOperation"), String("Value").NullableIn("0+"))),
        Bool("ValidateOnly"));

    public override MessageSpec Response { get; } = ConfigChanges.Response("IncrementalAlterConfigsResponse", "0-1", "1+");

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        bool validateOnly = request.Bool("ValidateOnly");
        return ConfigChanges.Answer(context, request,
            (logs, name, configs) => logs.IncrementalAlterTopicConfigs(name, Changes(configs), validateOnly),
            (controller, name, configs) => ConfigChanges.SetBrokerConfigs(controller, name, ApplyToBroker(controller, name, Changes(configs)), validateOnly));
    }

    private static List<(string Name, ConfigOperation Op, string? Value)> Changes(IReadOnlyList<StructValue> configs) =>
        configs.Select(c => (c.String("Name") ?? "", (ConfigOperation)c.Int8("ConfigOperation"), c.String("Value"))).ToList();

    /// <summary>A broker resource's dynamic configs after SET and DELETE (no dynamic broker config is a list: APPEND and SUBTRACT are refused).</summary>
    private static Dictionary<string, string?> ApplyToBroker(Cluster.QuorumController controller, string resource, List<(string Name, ConfigOperation Op, string? Value)> changes)
    {
        var result = (controller.Image.BrokerConfigsOf(resource) ?? new Dictionary<string, string>()).ToDictionary(kv => kv.Key, kv => (string?)kv.Value, StringComparer.Ordinal);
        foreach (var (name, op, value) in changes)
            switch (op)
            {
                case ConfigOperation.Set: result[name] = value; break;
                case ConfigOperation.Delete: result.Remove(name); break;
                default: throw new KafkaErrorException(ErrorCode.InvalidConfig, $"Config value append/subtract is not allowed for broker config {name}");
            }
        return result;
    }
}
