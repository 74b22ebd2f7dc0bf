using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>DeleteTopics v0–3. Internal topics cannot be deleted.</summary>
internal sealed class DeleteTopicsApi : ApiHandler
{
    public override ApiKey Key => ApiKey.DeleteTopics;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("DeleteTopicsRequest", "0-6", "4+",
        Array("Topics", "6+", String("Name").NullableIn("6+"), Uuid("TopicId")),
        ArrayOf(FieldKind.String, "TopicNames", "0-5"),
        Int32("TimeoutMs"));
    public override short MaxVersion => 3;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        var names = request.ReadArray(r => r.ReadString());
        request.ReadInt32(); // timeout
        if (context.Version >= 1) response.WriteInt32(0);
        response.WriteArrayLength(names.Count);
        foreach (var name in names)
        {
            var error = ErrorCode.None;
            try
            {
                if (context.Broker.Logs.GetTopic(name) is { IsInternal: true }) error = ErrorCode.TopicAuthorizationFailed;
                else context.Broker.Logs.DeleteTopic(name);
            }
            catch (KafkaErrorException e) { error = e.Code; }
            response.WriteString(name);
            response.WriteErrorCode(error);
        }
        return ValueTask.FromResult(true);
    }
}
