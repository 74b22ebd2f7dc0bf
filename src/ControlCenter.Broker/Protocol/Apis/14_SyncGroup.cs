using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>SyncGroup v0–3: the leader hands in every member's assignment; followers wait for theirs.</summary>
internal sealed class SyncGroupApi : ApiHandler
{
    public override ApiKey Key => ApiKey.SyncGroup;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("SyncGroupRequest", "0-5", "4+",
        String("GroupId"),
        Int32("GenerationId"),
        String("MemberId"),
        String("GroupInstanceId", "3+").NullableIn("3+"),
        String("ProtocolType", "5+").NullableIn("5+"),
        String("ProtocolName", "5+").NullableIn("5+"),
        Array("Assignments", "0+", String("MemberId"), Bytes("Assignment")));
    public override short MaxVersion => 3;

    public override async ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        short v = context.Version;
        string groupId = request.ReadString();
        int generation = request.ReadInt32();
        string memberId = request.ReadString();
        string? instanceId = v >= 3 ? request.ReadNullableString() : null;
        var assignments = request.ReadArray(r => (MemberId: r.ReadString(), Assignment: r.ReadBytes().ToArray()));
        var duplicate = assignments.GroupBy(a => a.MemberId).Any(g => g.Count() > 1);

        var result = duplicate
            ? Groups.SyncResult.Failed(ErrorCode.InvalidRequest)
            : await context.Broker.Groups.SyncGroupAsync(groupId, generation, memberId, instanceId,
                assignments.ToDictionary(a => a.MemberId, a => a.Assignment), context.Cancellation);
        if (v >= 1) response.WriteInt32(0);
        response.WriteErrorCode(result.Error);
        response.WriteBytes(result.Assignment);
        return true;
    }
}
