using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>LeaveGroup v0–3; v3 removes a batch of members, each with its own error.</summary>
internal sealed class LeaveGroupApi : ApiHandler
{
    public override ApiKey Key => ApiKey.LeaveGroup;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("LeaveGroupRequest", "0-5", "4+",
        String("GroupId"),
        String("MemberId", "0-2"),
        Array("Members", "3+", String("MemberId"), String("GroupInstanceId").NullableIn("0+"), String("Reason", "5+").NullableIn("5+")));
    public override short MaxVersion => 3;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        short v = context.Version;
        string groupId = request.ReadString();
        var leaving = v >= 3
            ? request.ReadArray(r => (MemberId: r.ReadString(), InstanceId: r.ReadNullableString()))
            : [(request.ReadString(), (string?)null)];
        var results = context.Broker.Groups.LeaveGroup(groupId, leaving, out var topLevel);
        if (v >= 1) response.WriteInt32(0);
        response.WriteErrorCode(v >= 3 && results.Count > 0 ? ErrorCode.None : topLevel);
        if (v >= 3)
        {
            response.WriteArrayLength(results.Count);
            foreach (var (memberId, instanceId, error) in results)
            {
                response.WriteString(memberId);
                response.WriteNullableString(instanceId);
                response.WriteErrorCode(error);
            }
        }
        return ValueTask.FromResult(true);
    }
}
