using Confluent.Kafka;
using ControlCenter.Access;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Topics;
using ControlCenter.LogFormat;
using ControlCenter.RestProxy.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ControlCenter.RestProxy.Metadata;

/// <summary>
/// GET /topics, /topics/{topic}, its partitions and their offsets, and /brokers: read fresh from
/// the cluster on each call (one Metadata request; a script that just created a topic sees it).
/// Internal topics are left out of the list, as Confluent's proxy does.
/// </summary>
public static class MetadataEndpoints
{
    public static void MapMetadataEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext c) => Answer(c, EmptyRoot));
        app.MapGet("/topics", (HttpContext c, ClusterAdmin admin) => Answer(c, async () =>
        {
            var metadata = await admin.GetMetadataAsync(c.RequestAborted);
            var internalTopics = await admin.InternalTopicsAsync(metadata);
            // A role sees the topics it may view, as if the others were not there.
            return metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError && !internalTopics.Contains(t.Topic) && ProxyAccess.Can(c, AccessAction.View, ResourceKind.Topic, t.Topic))
                .Select(t => t.Topic).Order(StringComparer.Ordinal).ToList();
        }));
        app.MapGet("/topics/{topic}", (HttpContext c, string topic, ClusterAdmin admin, ITopicAdmin topics) => Answer(c, async () =>
        {
            var meta = await TopicAsync(c, admin, topic, c.RequestAborted);
            var configs = await topics.DescribeConfigsAsync(topic);
            return new TopicBody(topic, configs.ToDictionary(e => e.Name, e => e.IsSensitive ? null : e.Value), Partitions(meta));
        }));
        app.MapGet("/topics/{topic}/partitions", (HttpContext c, string topic, ClusterAdmin admin) => Answer(c, async () =>
            Partitions(await TopicAsync(c, admin, topic, c.RequestAborted))));
        app.MapGet("/topics/{topic}/partitions/{partition}", (HttpContext c, string topic, string partition, ClusterAdmin admin) => Answer(c, async () =>
            Partition(await TopicAsync(c, admin, topic, c.RequestAborted), partition)));
        app.MapGet("/topics/{topic}/partitions/{partition}/offsets", (HttpContext c, string topic, string partition, ClusterAdmin admin) => Answer(c, async () =>
        {
            var p = Partition(await TopicAsync(c, admin, topic, c.RequestAborted), partition);
            var tp = new TopicPartition(topic, p.Partition);
            var low = await admin.ListOffsetsAsync([tp], Confluent.Kafka.Admin.OffsetSpec.Earliest());
            var high = await admin.ListOffsetsAsync([tp], Confluent.Kafka.Admin.OffsetSpec.Latest());
            if (!low.TryGetValue(tp, out long begin) || !high.TryGetValue(tp, out long end))
                throw RestException.Kafka(new Error(ErrorCode.LeaderNotAvailable, $"no offsets for {topic}-{p.Partition}"));
            return new PartitionOffsetsBody(begin, end);
        }));
        app.MapGet("/brokers", (HttpContext c, ClusterAdmin admin) => Answer(c, async () =>
        {
            ProxyAccess.Demand(c, AccessAction.View, ResourceKind.Cluster, AccessPolicy.ClusterName);
            return new BrokersBody((await admin.GetMetadataAsync(c.RequestAborted)).Brokers.Select(b => b.BrokerId).Order().ToList());
        }));
    }

    /// <summary>GET / answers an empty object, as Confluent's proxy does.</summary>
    private static Task<Dictionary<string, string>> EmptyRoot() => Task.FromResult(new Dictionary<string, string>());

    private static async Task Answer<T>(HttpContext context, Func<Task<T>> read)
    {
        MediaTypes.RequireAcceptsV2(context.Request);
        await Reply.JsonAsync(context, await read());
    }

    /// <summary>The topic from an all-topics Metadata request (a single-topic one could auto-create it).</summary>
    internal static async Task<TopicMetadata> TopicAsync(HttpContext context, ClusterAdmin admin, string topic, CancellationToken cancellation)
    {
        if (TopicNames.Validate(topic) is not null) throw RestException.TopicNotFound();
        ProxyAccess.Demand(context, AccessAction.View, ResourceKind.Topic, topic);
        var metadata = await admin.GetMetadataAsync(cancellation);
        return metadata.Topics.FirstOrDefault(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError) ?? throw RestException.TopicNotFound();
    }

    private static List<PartitionBody> Partitions(TopicMetadata topic) => topic.Partitions.OrderBy(p => p.PartitionId).Select(Body).ToList();

    private static PartitionBody Partition(TopicMetadata topic, string partition) =>
        int.TryParse(partition, out int id) && topic.Partitions.FirstOrDefault(p => p.PartitionId == id) is { } p ? Body(p) : throw RestException.PartitionNotFound();

    private static PartitionBody Body(PartitionMetadata p) => new(p.PartitionId, p.Leader,
        p.Replicas.Select(r => new ReplicaBody(r, r == p.Leader, p.InSyncReplicas.Contains(r))).ToList());
}
