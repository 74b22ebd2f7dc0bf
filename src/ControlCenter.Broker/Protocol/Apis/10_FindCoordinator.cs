using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// FindCoordinator v0–6, served from its definition: a group's coordinator leads its
/// __consumer_offsets partition, a transactional id's (key type 1) its __transaction_state
/// partition; a single broker is both. v4+ asks for several keys at once (KIP-699). Share groups
/// (key type 2) are not offered: COORDINATOR_NOT_AVAILABLE with the reason.
/// </summary>
internal sealed class FindCoordinatorApi : DefinedApi
{
    private const sbyte GroupKey = 0, TransactionKey = 1;

    public override ApiKey Key => ApiKey.FindCoordinator;

    public override MessageSpec Request { get; } = Message("FindCoordinatorRequest", "0-6", "3+",
        String("Key", "0-3"),
        Int8("KeyType", "1+"),
        ArrayOf(FieldKind.String, "CoordinatorKeys", "4+"));

    public override MessageSpec Response { get; } = Message("FindCoordinatorResponse", "0-6", "3+",
        Int32("ThrottleTimeMs", "1+"),
        Int16("ErrorCode", "0-3"),
        String("ErrorMessage", "1-3").NullableIn("1-3"),
        Int32("NodeId", "0-3").WithDefault(-1),
        String("Host", "0-3"),
        Int32("Port", "0-3").WithDefault(-1),
        Array("Coordinators", "4+",
            String("Key"),
            Int32("NodeId").WithDefault(-1),
            String("Host"),
            Int32("Port").WithDefault(-1),
            Int16("ErrorCode"),
            String("ErrorMessage").NullableIn("4+")));

    protected override async ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        sbyte keyType = request.Int8("KeyType");
        if (keyType is GroupKey or TransactionKey && context.Broker.Replicas is { } replicas) await CoordinatorTopicAppliedAsync(context, replicas, keyType);
        if (context.Version < 4) return Answer(context, request.String("Key") ?? "", keyType);
        var coordinators = (request.Array<string>("CoordinatorKeys") ?? []).Select(key => Answer(context, key, keyType));
        return new StructValue { ["Coordinators"] = StructValue.List(coordinators) };
    }

    /// <summary>
    /// On a cluster the first lookup creates __consumer_offsets (or __transaction_state) through the
    /// controller; another request may have started that and this node may still be applying the
    /// new metadata. Wait (a few seconds at most) until this node's metadata has the topic, so the
    /// answer names its leader instead of COORDINATOR_NOT_AVAILABLE, which some clients give up on.
    /// </summary>
    private static async Task CoordinatorTopicAppliedAsync(RequestContext context, Cluster.ReplicaManager replicas, sbyte keyType)
    {
        if (keyType == GroupKey) context.Broker.Groups.EnsureOffsetsTopic();
        else context.Broker.Transactions.EnsureTransactionTopic();
        string topic = keyType == GroupKey ? ControlCenter.LogFormat.TopicNames.ConsumerOffsets : ControlCenter.LogFormat.TopicNames.TransactionState;
        long deadline = Environment.TickCount64 + 5000;
        while (replicas.Image.Partition(topic, 0) is null && !replicas.Isolated
               && Environment.TickCount64 < deadline && !context.Cancellation.IsCancellationRequested)
            await Task.Delay(20);
    }

    private static StructValue Answer(RequestContext context, string key, sbyte keyType)
    {
        var broker = context.Broker;
        var (error, message) = keyType switch
        {
            GroupKey or TransactionKey when key.Length == 0 => (ErrorCode.InvalidRequest, keyType == GroupKey ? "Group id must not be empty" : "Transactional id must not be empty"),
            GroupKey or TransactionKey => (ErrorCode.None, (string?)null),
            _ => (ErrorCode.CoordinatorNotAvailable, $"Coordinator key type {keyType} is not served by the embedded broker"),
        };
        var answer = new StructValue { ["Key"] = key, ["ErrorCode"] = (short)error, ["ErrorMessage"] = message, ["Host"] = "" };
        if (error != ErrorCode.None) return answer;
        string topicName;
        int partitions;
        if (keyType == GroupKey)
        {
            broker.Groups.EnsureOffsetsTopic();
            topicName = ControlCenter.LogFormat.TopicNames.ConsumerOffsets;
        }
        else
        {
            broker.Transactions.EnsureTransactionTopic();
            topicName = ControlCenter.LogFormat.TopicNames.TransactionState;
        }
        partitions = broker.Logs.GetTopic(topicName)?.Partitions.Length ?? 1;
        if (broker.Replicas?.Image is { } image)
        {
            // The coordinator is the leader of the key's partition of the coordinator topic, wherever that is now.
            int partition = Groups.OffsetsTopicRecords.PartitionFor(key, partitions);
            if (image.Partition(topicName, partition) is not { Leader: >= 0 } reg || !image.Brokers.TryGetValue(reg.Leader, out var leader))
            {
                answer["ErrorCode"] = (short)ErrorCode.CoordinatorNotAvailable;
                answer["ErrorMessage"] = $"Partition {partition} of {topicName} has no leader";
                return answer;
            }
            answer["NodeId"] = leader.Id;
            answer["Host"] = leader.Host;
            answer["Port"] = leader.Port;
            return answer;
        }
        answer["NodeId"] = broker.NodeId;
        answer["Host"] = broker.AdvertisedHost;
        answer["Port"] = broker.AdvertisedPort;
        return answer;
    }
}
