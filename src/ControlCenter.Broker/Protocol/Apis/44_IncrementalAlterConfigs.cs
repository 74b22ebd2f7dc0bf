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
        return ConfigChanges.Answer(context, request, (logs, name, configs) => logs.IncrementalAlterTopicConfigs(name,
            configs.Select(c => (c.String("Name") ?? "", (ConfigOperation)c.Int8("ConfigOperation"), c.String("Value"))).ToList(), validateOnly));
    }
}
