using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>CreatePartitions v0–3, served from its definition: only grows a topic; validate_only honoured.</summary>
internal sealed class CreatePartitionsApi : DefinedApi
{
    public override ApiKey Key => ApiKey.CreatePartitions;

    public override MessageSpec Request { get; } = Message("CreatePartitionsRequest", "0-3", "2+",
        Array("Topics", "0+",
            String("Name"),
            Int32("Count"),
            Array("Assignments", "0+", ArrayOf(FieldKind.Int32, "BrokerIds")).NullableIn("0+")),
        Int32("TimeoutMs"),
        Bool("ValidateOnly"));

    public override MessageSpec Response { get; } = Message("CreatePartitionsResponse", "0-3", "2+",
        Int32("ThrottleTimeMs"),
        Array("Results", "0+", String("Name"), Int16("ErrorCode"), String("ErrorMessage").NullableIn("0+")));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        bool validateOnly = request.Bool("ValidateOnly");
        int node = context.Broker.NodeId;
        var results = (request.Structs("Topics") ?? []).Select(topic =>
        {
            string name = topic.String("Name") ?? "";
            var answer = new StructValue { ["Name"] = name };
            try
            {
                if (topic.Structs("Assignments") is { } assignments && assignments.Any(a => a.Array<int>("BrokerIds") is not [var only] || only != node))
                    throw new KafkaErrorException(ErrorCode.InvalidReplicaAssignment, $"New partitions can only be placed on broker {node}");
                context.Broker.Logs.CreatePartitions(name, topic.Int32("Count"), validateOnly);
            }
            catch (KafkaErrorException e)
            {
                answer["ErrorCode"] = (short)e.Code;
                answer["ErrorMessage"] = e.Message;
            }
            return answer;
        });
        return ValueTask.FromResult(new StructValue { ["Results"] = StructValue.List(results) });
    }
}
