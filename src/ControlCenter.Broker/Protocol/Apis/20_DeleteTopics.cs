using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// DeleteTopics v0–6, served from its definition. Internal topics cannot be deleted. v4+ is
/// flexible, v5 adds error messages, v6 names each topic by name or by id (both is
/// INVALID_REQUEST; an id nobody has is UNKNOWN_TOPIC_ID), as Kafka does.
/// </summary>
internal sealed class DeleteTopicsApi : DefinedApi
{
    public override ApiKey Key => ApiKey.DeleteTopics;

    public override MessageSpec Request { get; } = Message("DeleteTopicsRequest", "0-6", "4+",
        Array("Topics", "6+", String("Name").NullableIn("6+"), Uuid("TopicId")),
        ArrayOf(FieldKind.String, "TopicNames", "0-5"),
        Int32("TimeoutMs"));

    public override MessageSpec Response { get; } = Message("DeleteTopicsResponse", "0-6", "4+",
        Int32("ThrottleTimeMs", "1+"),
        Array("Responses", "0+",
            String("Name").NullableIn("6+"),
            Uuid("TopicId", "6+"),
            Int16("ErrorCode"),
            String("ErrorMessage", "5+").NullableIn("5+")));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var wanted = context.Version >= 6
            ? (request.Structs("Topics") ?? []).Select(t => (Name: t.String("Name"), Id: t.Uuid("TopicId"))).ToList()
            : (request.Array<string>("TopicNames") ?? []).Select(n => (Name: (string?)n, Id: Guid.Empty)).ToList();
        return ValueTask.FromResult(new StructValue { ["Responses"] = StructValue.List(wanted.Select(t => Delete(context, t.Name, t.Id))) });
    }

    private static StructValue Delete(RequestContext context, string? name, Guid id)
    {
        var logs = context.Broker.Logs;
        var answer = new StructValue { ["Name"] = name, ["TopicId"] = id };
        try
        {
            if (name is not null && id != Guid.Empty)
                throw new KafkaErrorException(ErrorCode.InvalidRequest, "A topic must be named by its name or by its id, not both");
            var topic = name is not null ? logs.GetTopic(name) : logs.GetTopic(id)
                ?? throw new KafkaErrorException(ErrorCode.UnknownTopicId, $"Unknown topic id {id}");
            answer["Name"] = topic?.Name ?? name;
            answer["TopicId"] = topic?.Id ?? id;
            if (topic is { IsInternal: true }) throw new KafkaErrorException(ErrorCode.TopicAuthorizationFailed, $"Internal topic {topic.Name} cannot be deleted");
            logs.DeleteTopic(name ?? topic!.Name);
        }
        catch (KafkaErrorException e)
        {
            answer["ErrorCode"] = (short)e.Code;
            answer["ErrorMessage"] = e.Message;
        }
        return answer;
    }
}
