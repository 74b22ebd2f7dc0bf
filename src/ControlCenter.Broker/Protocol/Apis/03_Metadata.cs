using ControlCenter.LogFormat;
using ControlCenter.Broker.Server;
using ControlCenter.Broker.Storage;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// Metadata, served from its definition (v0–13, flexible from v9). v0: an empty list means all
/// topics; v1+: null means all, empty means none; v10+ may name topics by id. Missing topics
/// are auto-created when the client allows it and auto.create.topics.enable is on. Asked for
/// authorized operations (v8+, what admin clients' DescribeCluster and DescribeTopics use), it
/// reports all that apply, as Kafka does without an authorizer.
/// </summary>
internal sealed class MetadataApi : DefinedApi
{
    public override ApiKey Key => ApiKey.Metadata;

    public override MessageSpec Request { get; } = Message("MetadataRequest", "0-13", "9+",
        Array("Topics", "0+", Uuid("TopicId", "10+"), String("Name").NullableIn("10+")).NullableIn("1+"),
        Bool("AllowAutoTopicCreation", "4+").WithDefault(true),
        Bool("IncludeClusterAuthorizedOperations", "8-10"),
        Bool("IncludeTopicAuthorizedOperations", "8+"));

    public override MessageSpec Response { get; } = Message("MetadataResponse", "0-13", "9+",
        Int32("ThrottleTimeMs", "3+"),
        Array("Brokers", "0+", Int32("NodeId"), String("Host"), Int32("Port"), String("Rack", "1+").NullableIn("1+")),
        String("ClusterId", "2+").NullableIn("2+"),
        Int32("ControllerId", "1+").WithDefault(-1),
        Array("Topics", "0+",
            Int16("ErrorCode"),
            String("Name").NullableIn("12+"),
            Uuid("TopicId", "10+"),
            Bool("IsInternal", "1+"),
            Array("Partitions", "0+",
                Int16("ErrorCode"),
                Int32("PartitionIndex"),
                Int32("LeaderId"),
                Int32("LeaderEpoch", "7+").WithDefault(-1),
                ArrayOf(FieldKind.Int32, "ReplicaNodes"),
                ArrayOf(FieldKind.Int32, "IsrNodes"),
                ArrayOf(FieldKind.Int32, "OfflineReplicas", "5+")),
            Int32("TopicAuthorizedOperations", "8+").WithDefault(AuthorizedOperations.NotRequested)),
        Int32("ClusterAuthorizedOperations", "8-10").WithDefault(AuthorizedOperations.NotRequested),
        Int16("ErrorCode", "13+"));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var broker = context.Broker;
        var logs = broker.Logs;
        var requested = request.Structs("Topics");
        if (context.Version == 0 && requested is { Count: 0 }) requested = null;
        bool allowAutoCreate = request.Bool("AllowAutoTopicCreation");

        var topics = new List<(ErrorCode Error, string? Name, Guid Id, TopicState? Topic)>();
        if (requested is null)
            topics.AddRange(logs.Topics.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => (ErrorCode.None, (string?)t.Name, t.Id, (TopicState?)t)));
        else
            foreach (var wanted in requested.DistinctBy(t => (t.String("Name"), t.Uuid("TopicId"))))
                topics.Add(wanted.String("Name") is { } name ? Resolve(name, allowAutoCreate, broker) : ResolveId(wanted.Uuid("TopicId"), logs));

        bool topicOperations = request.Bool("IncludeTopicAuthorizedOperations");
        var image = broker.Replicas?.Image;
        var replicas = new List<object?> { broker.NodeId }; // single broker: every partition has this one replica
        var offline = new List<object?>();
        var response = new StructValue
        {
            ["Brokers"] = image is null
                ? new List<object?> { new StructValue { ["NodeId"] = broker.NodeId, ["Host"] = broker.AdvertisedHost, ["Port"] = broker.AdvertisedPort, ["Rack"] = broker.Options.Rack } }
                : StructValue.List(LiveBrokers(image, broker).Select(b => new StructValue { ["NodeId"] = b.Id, ["Host"] = b.Host, ["Port"] = b.Port, ["Rack"] = b.Rack })),
            ["ClusterId"] = broker.ClusterId,
            ["ControllerId"] = image?.ControllerId ?? broker.NodeId,
            ["Topics"] = StructValue.List(topics.Select(t =>
            {
                int count = t.Topic?.Partitions.Length ?? 0;
                var partitions = new List<object?>(count);
                for (int p = 0; p < count; p++)
                    partitions.Add(image?.Partition(t.Name!, p) is { } reg
                        ? new StructValue
                        {
                            ["PartitionIndex"] = p, ["LeaderId"] = reg.Leader, ["LeaderEpoch"] = reg.LeaderEpoch,
                            ["ErrorCode"] = (short)(reg.IsOffline ? ErrorCode.LeaderNotAvailable : ErrorCode.None),
                            ["ReplicaNodes"] = StructValue.List(reg.Replicas), ["IsrNodes"] = StructValue.List(reg.Isr),
                            ["OfflineReplicas"] = StructValue.List(reg.Replicas.Where(r => !image.Brokers.TryGetValue(r, out var b) || b.Fenced)),
                        }
                        : new StructValue
                        {
                            ["PartitionIndex"] = p, ["LeaderId"] = broker.NodeId, ["LeaderEpoch"] = 0,
                            ["ReplicaNodes"] = replicas, ["IsrNodes"] = replicas, ["OfflineReplicas"] = offline,
                        });
                return new StructValue
                {
                    ["ErrorCode"] = (short)t.Error, ["Name"] = t.Name, ["TopicId"] = t.Id, ["IsInternal"] = t.Topic?.IsInternal ?? false,
                    ["Partitions"] = partitions,
                    ["TopicAuthorizedOperations"] = topicOperations && t.Error == ErrorCode.None ? AuthorizedOperations.Topic : AuthorizedOperations.NotRequested,
                };
            })),
        };
        if (request.Bool("IncludeClusterAuthorizedOperations")) response["ClusterAuthorizedOperations"] = AuthorizedOperations.Cluster;
        return ValueTask.FromResult(response);
    }

    /// <summary>
    /// The unfenced nodes, and always the node answering (it is plainly alive, even while the
    /// controller has fenced it or it is cut off): librdkafka treats a Metadata answer without
    /// brokers and topics as a failure, and its DescribeCluster then aborts the process.
    /// </summary>
    private static IEnumerable<Cluster.BrokerRegistration> LiveBrokers(Cluster.ClusterImage image, BrokerContext broker)
    {
        var live = image.LiveBrokers.ToList();
        if (live.All(b => b.Id != broker.NodeId))
            live.Add(new Cluster.BrokerRegistration(broker.NodeId, broker.AdvertisedHost, broker.AdvertisedPort, broker.Options.Rack, Fenced: false));
        return live.OrderBy(b => b.Id);
    }

    private static (ErrorCode, string?, Guid, TopicState?) ResolveId(Guid id, LogManager logs) =>
        logs.Topics.FirstOrDefault(t => t.Id == id && id != Guid.Empty) is { } topic
            ? (ErrorCode.None, topic.Name, topic.Id, topic)
            : (ErrorCode.UnknownTopicId, null, id, null);

    private static (ErrorCode, string?, Guid, TopicState?) Resolve(string name, bool allowAutoCreate, BrokerContext broker)
    {
        var logs = broker.Logs;
        if (logs.GetTopic(name) is { } existing) return (ErrorCode.None, name, existing.Id, existing);
        if (TopicNames.Validate(name) is not null) return (ErrorCode.InvalidTopicException, name, Guid.Empty, null);
        if (!allowAutoCreate || !logs.BrokerConfig.AutoCreateTopics || TopicNames.IsInternal(name))
            return (ErrorCode.UnknownTopicOrPartition, name, Guid.Empty, null);
        try
        {
            var created = logs.CreateTopic(name, -1, -1, new Dictionary<string, string?>(), validateOnly: false)!; // null only when validating
            return (ErrorCode.None, name, created.Id, created);
        }
        catch (KafkaErrorException e) when (e.Code == ErrorCode.TopicAlreadyExists && logs.GetTopic(name) is { } concurrent)
        {
            return (ErrorCode.None, name, concurrent.Id, concurrent); // created concurrently by another request
        }
        catch (KafkaErrorException e)
        {
            return (e.Code, name, Guid.Empty, null);
        }
    }
}
