using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>CreatePartitions v0–1: only grows a topic; validate_only honoured.</summary>
internal sealed class CreatePartitionsApi : ApiHandler
{
    public override ApiKey Key => ApiKey.CreatePartitions;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("CreatePartitionsRequest", "0-3", "2+",
        Array("Topics", "0+",
            String("Name"),
            Int32("Count"),
            Array("Assignments", "0+", ArrayOf(FieldKind.Int32, "BrokerIds")).NullableIn("0+")),
        Int32("TimeoutMs"),
        Bool("ValidateOnly"));
    public override short MaxVersion => 1;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        var topics = request.ReadArray(r => (Name: r.ReadString(), Count: r.ReadInt32(),
            Assignments: r.ReadNullableArray(a => a.ReadArray(b => b.ReadInt32()))));
        request.ReadInt32(); // timeout
        bool validateOnly = request.ReadBool();
        response.WriteInt32(0);
        response.WriteArrayLength(topics.Count);
        foreach (var (name, count, assignments) in topics)
        {
            var error = ErrorCode.None;
            string? message = null;
            try
            {
                if (assignments is not null && assignments.Any(a => a.Count != 1 || a[0] != context.Broker.NodeId))
                    throw new KafkaErrorException(ErrorCode.InvalidReplicaAssignment, $"New partitions can only be placed on broker {context.Broker.NodeId}");
                context.Broker.Logs.CreatePartitions(name, count, validateOnly);
            }
            catch (KafkaErrorException e) { error = e.Code; message = e.Message; }
            response.WriteString(name);
            response.WriteErrorCode(error);
            response.WriteNullableString(message);
        }
        return ValueTask.FromResult(true);
    }
}
