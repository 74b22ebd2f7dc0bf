using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>SyncGroup v0–3: the leader hands in every member's assignment; followers wait for theirs.</summary>
internal sealed class SyncGroupApi : ApiHandler
{
    public override ApiKey Key => ApiKey.SyncGroup;
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
