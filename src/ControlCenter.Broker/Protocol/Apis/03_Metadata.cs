using ControlCenter.LogFormat;
using ControlCenter.Broker.Server;
using ControlCenter.Broker.Storage;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// Metadata v0–8 (capped below v9 so librdkafka does not start KIP-320 epoch validation).
/// v0: an empty list means all topics; v1+: null means all, empty means none. Missing topics
/// are auto-created when the client allows it and auto.create.topics.enable is on. Asked for
/// authorized operations (v8, what admin clients' DescribeCluster and DescribeTopics use), it
/// reports all that apply, as Kafka does without an authorizer.
/// </summary>
internal sealed class MetadataApi : ApiHandler
{
    public override ApiKey Key => ApiKey.Metadata;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("MetadataRequest", "0-12", "9+",
        Array("Topics", "0+", Uuid("TopicId", "10+"), String("Name").NullableIn("10+")).NullableIn("1+"),
        Bool("AllowAutoTopicCreation", "4+"),
        Bool("IncludeClusterAuthorizedOperations", "8-10"),
        Bool("IncludeTopicAuthorizedOperations", "8+"));
    public override short MaxVersion => 8;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        short v = context.Version;
        var requested = request.ReadNullableArray(r => r.ReadString());
        bool allowAutoCreate = v < 4 || request.ReadBool();
        bool clusterOperations = false, topicOperations = false;
        if (v >= 8) (clusterOperations, topicOperations) = (request.ReadBool(), request.ReadBool());
        if (v == 0 && requested is { Count: 0 }) requested = null;

        var broker = context.Broker;
        var logs = broker.Logs;
        var topics = new List<(ErrorCode Error, string Name, TopicState? Topic)>();
        if (requested is null)
            topics.AddRange(logs.Topics.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => (ErrorCode.None, t.Name, (TopicState?)t)));
        else
            foreach (var name in requested.Distinct())
                topics.Add(Resolve(name, allowAutoCreate, logs));

        if (v >= 3) response.WriteInt32(0);
        response.WriteArrayLength(1);
        response.WriteInt32(broker.NodeId);
        response.WriteString(broker.AdvertisedHost);
        response.WriteInt32(broker.AdvertisedPort);
        if (v >= 1) response.WriteNullableString(broker.Options.Rack);
        if (v >= 2) response.WriteNullableString(broker.ClusterId);
        if (v >= 1) response.WriteInt32(broker.NodeId); // single node: it is the controller too
        response.WriteArrayLength(topics.Count);
        foreach (var (error, name, topic) in topics)
        {
            response.WriteErrorCode(error);
            response.WriteString(name);
            if (v >= 1) response.WriteBool(topic?.IsInternal ?? false);
            var partitions = topic?.Partitions ?? [];
            response.WriteArrayLength(partitions.Length);
            for (int p = 0; p < partitions.Length; p++)
            {
                response.WriteErrorCode(ErrorCode.None);
                response.WriteInt32(p);
                response.WriteInt32(broker.NodeId);
                if (v >= 7) response.WriteInt32(0); // leader epoch
                response.WriteInt32Array([broker.NodeId]);
                response.WriteInt32Array([broker.NodeId]);
                if (v >= 5) response.WriteArrayLength(0);
            }
            if (v >= 8) response.WriteInt32(topicOperations && error == ErrorCode.None ? AuthorizedOperations.Topic : AuthorizedOperations.NotRequested);
        }
        if (v >= 8) response.WriteInt32(clusterOperations ? AuthorizedOperations.Cluster : AuthorizedOperations.NotRequested);
        return ValueTask.FromResult(true);
    }

    private static (ErrorCode, string, TopicState?) Resolve(string name, bool allowAutoCreate, LogManager logs)
    {
        if (logs.GetTopic(name) is { } existing) return (ErrorCode.None, name, existing);
        if (TopicNames.Validate(name) is not null) return (ErrorCode.InvalidTopicException, name, null);
        if (!allowAutoCreate || !logs.BrokerConfig.AutoCreateTopics || TopicNames.IsInternal(name))
            return (ErrorCode.UnknownTopicOrPartition, name, null);
        try
        {
            var created = logs.CreateTopic(name, -1, -1, new Dictionary<string, string?>(), validateOnly: false);
            return (ErrorCode.None, name, created);
        }
        catch (KafkaErrorException e) when (e.Code == ErrorCode.TopicAlreadyExists)
        {
            return (ErrorCode.None, name, logs.GetTopic(name)); // created concurrently by another request
        }
        catch (KafkaErrorException e)
        {
            return (e.Code, name, null);
        }
    }
}
