using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.Broker.Server;
using ControlCenter.Broker.Storage;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// DescribeTopicPartitions v0 (KIP-966): topics and their partitions a page at a time, so a
/// cluster of many thousands of partitions is described without one huge response. Topics go by
/// name, partitions by index; a page holds at most ResponsePartitionLimit partitions (capped at
/// <see cref="MaxPartitionsPerPage"/>, Kafka's max.request.partition.size.limit) and says where
/// the next one starts. No topics requested means every topic.
/// </summary>
internal sealed class DescribeTopicPartitionsApi : DefinedApi
{
    public const int MaxPartitionsPerPage = 2000;

    public override ApiKey Key => ApiKey.DescribeTopicPartitions;

    private static Field Cursor(string name) =>
        Struct(name, "0+", String("TopicName"), Int32("PartitionIndex")).NullableIn("0+");

    public override MessageSpec Request { get; } = Message("DescribeTopicPartitionsRequest", "0", "0+",
        Array("Topics", "0+", String("Name")),
        Int32("ResponsePartitionLimit").WithDefault(2000),
        Cursor("Cursor"));

    public override MessageSpec Response { get; } = Message("DescribeTopicPartitionsResponse", "0", "0+",
        Int32("ThrottleTimeMs"),
        Array("Topics", "0+",
            Int16("ErrorCode"),
            String("Name").NullableIn("0+"),
            Uuid("TopicId"),
            Bool("IsInternal"),
            Array("Partitions", "0+",
                Int16("ErrorCode"),
                Int32("PartitionIndex"),
                Int32("LeaderId"),
                Int32("LeaderEpoch").WithDefault(-1),
                ArrayOf(FieldKind.Int32, "ReplicaNodes"),
                ArrayOf(FieldKind.Int32, "IsrNodes"),
                ArrayOf(FieldKind.Int32, "EligibleLeaderReplicas").NullableIn("0+"),
                ArrayOf(FieldKind.Int32, "LastKnownElr").NullableIn("0+"),
                ArrayOf(FieldKind.Int32, "OfflineReplicas")),
            Int32("TopicAuthorizedOperations").WithDefault(AuthorizedOperations.NotRequested)),
        Cursor("NextCursor"));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var logs = context.Broker.Logs;
        var requested = (request.Structs("Topics") ?? []).Select(t => t.String("Name") ?? "").Distinct().Order(StringComparer.Ordinal).ToList();
        var cursor = request.Struct("Cursor");
        string? startTopic = cursor?.String("TopicName");
        int startPartition = cursor?.Int32("PartitionIndex") ?? 0;
        var topics = new List<object?>();
        var response = new StructValue { ["Topics"] = topics };

        if (cursor is not null && (startPartition < 0 || requested.Count > 0 && !requested.Contains(startTopic!, StringComparer.Ordinal)))
        {
            // Kafka refuses the whole request: every topic asked for carries the error.
            foreach (var name in requested) topics.Add(TopicError(name, ErrorCode.InvalidRequest));
            return ValueTask.FromResult(response);
        }

        IEnumerable<string> names = requested.Count > 0 ? requested : logs.Topics.Select(t => t.Name).Order(StringComparer.Ordinal);
        if (startTopic is not null) names = names.Where(n => string.CompareOrdinal(n, startTopic) >= 0);
        int left = Math.Clamp(request.Int32("ResponsePartitionLimit"), 1, MaxPartitionsPerPage);
        int nodeId = context.Broker.NodeId;
        foreach (var name in names)
        {
            if (logs.GetTopic(name) is not { } topic)
            {
                topics.Add(TopicError(name, ErrorCode.UnknownTopicOrPartition));
                continue;
            }
            int first = name == startTopic ? startPartition : 0;
            if (left == 0)
            {
                if (first < topic.Partitions.Length) { response["NextCursor"] = Position(name, first); break; }
                continue;
            }
            int count = Math.Clamp(topic.Partitions.Length - first, 0, left);
            topics.Add(Describe(topic, first, count, nodeId));
            left -= count;
            if (first + count < topic.Partitions.Length) { response["NextCursor"] = Position(name, first + count); break; }
        }
        return ValueTask.FromResult(response);
    }

    private static StructValue Describe(TopicState topic, int first, int count, int nodeId)
    {
        var replicas = new List<object?> { nodeId };
        var partitions = new List<object?>(count);
        for (int p = first; p < first + count; p++)
            partitions.Add(new StructValue
            {
                ["PartitionIndex"] = p, ["LeaderId"] = nodeId, ["LeaderEpoch"] = 0,
                ["ReplicaNodes"] = replicas, ["IsrNodes"] = replicas, ["EligibleLeaderReplicas"] = new List<object?>(), ["LastKnownElr"] = new List<object?>(),
            });
        return new StructValue { ["Name"] = topic.Name, ["TopicId"] = topic.Id, ["IsInternal"] = topic.IsInternal, ["Partitions"] = partitions };
    }

    private static StructValue TopicError(string name, ErrorCode error) => new() { ["ErrorCode"] = (short)error, ["Name"] = name };

    private static StructValue Position(string topic, int partition) => new() { ["TopicName"] = topic, ["PartitionIndex"] = partition };
}
