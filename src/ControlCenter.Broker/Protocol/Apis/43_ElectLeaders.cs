using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// ElectLeaders v0–2, served from its definition: preferred elections (the first replica leads
/// again once it is in sync) and unclean ones (a live replica outside the ISR takes an offline
/// partition, accepting the loss). Any node forwards to the controller, which decides. A null
/// partition list means every partition. A single broker is every partition's preferred leader.
/// </summary>
internal sealed class ElectLeadersApi : DefinedApi
{
    public const sbyte Preferred = 0, Unclean = 1;

    public override ApiKey Key => ApiKey.ElectLeaders;

    public override MessageSpec Request { get; } = Message("ElectLeadersRequest", "0-2", "2+",
        Int8("ElectionType", "1+"),
        Array("TopicPartitions", "0+", String("Topic"), ArrayOf(FieldKind.Int32, "Partitions", "0+")).NullableIn("0+"),
        Int32("TimeoutMs").WithDefault(60000));

    public override MessageSpec Response { get; } = Message("ElectLeadersResponse", "0-2", "2+",
        Int32("ThrottleTimeMs"),
        Int16("ErrorCode", "1+"),
        Array("ReplicaElectionResults", "0+",
            String("Topic"),
            Array("PartitionResult", "0+", Int32("PartitionId"), Int16("ErrorCode"), String("ErrorMessage").NullableIn("0+"))));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        sbyte type = context.Version >= 1 ? request.Int8("ElectionType") : Preferred;
        if (type is not (Preferred or Unclean))
            return ValueTask.FromResult(new StructValue { ["ErrorCode"] = (short)ErrorCode.InvalidRequest, ["ReplicaElectionResults"] = new List<object?>() });
        var wanted = request.Structs("TopicPartitions")?.SelectMany(t => (t.Array<int>("Partitions") ?? []).Select(p => (t.String("Topic") ?? "", p))).ToList();
        var results = context.Broker.Controller is { } controller
            ? controller.ElectLeaders(type == Unclean, wanted)
            : SingleBroker(context, wanted);
        return ValueTask.FromResult(new StructValue
        {
            ["ReplicaElectionResults"] = StructValue.List(results.GroupBy(r => r.Topic).Select(t => new StructValue
            {
                ["Topic"] = t.Key,
                ["PartitionResult"] = StructValue.List(t.Select(r => new StructValue
                    { ["PartitionId"] = r.Partition, ["ErrorCode"] = (short)r.Error, ["ErrorMessage"] = r.Message })),
            })),
        });
    }

    /// <summary>One broker leads everything it has, as the preferred (only) replica.</summary>
    private static List<(string Topic, int Partition, ErrorCode Error, string? Message)> SingleBroker(RequestContext context, List<(string, int)>? wanted)
    {
        var logs = context.Broker.Logs;
        return (wanted ?? []).Select(tp => logs.GetLog(tp.Item1, tp.Item2) is null
            ? (tp.Item1, tp.Item2, ErrorCode.UnknownTopicOrPartition, (string?)$"Unknown partition {tp.Item1}-{tp.Item2}")
            : (tp.Item1, tp.Item2, ErrorCode.ElectionNotNeeded, "The preferred replica is already the leader")).ToList();
    }
}
