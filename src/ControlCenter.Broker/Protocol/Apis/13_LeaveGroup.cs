using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// LeaveGroup v0–5, served from its definition; v3+ removes a batch of members (by member id or
/// static instance id), each with its own error; v5's reason is accepted and not kept.
/// </summary>
internal sealed class LeaveGroupApi : DefinedApi
{
    public override ApiKey Key => ApiKey.LeaveGroup;

    public override MessageSpec Request { get; } = Message("LeaveGroupRequest", "0-5", "4+",
        String("GroupId"),
        String("MemberId", "0-2"),
        Array("Members", "3+", String("MemberId"), String("GroupInstanceId").NullableIn("0+"), String("Reason", "5+").NullableIn("5+")));

    public override MessageSpec Response { get; } = Message("LeaveGroupResponse", "0-5", "4+",
        Int32("ThrottleTimeMs", "1+"),
        Int16("ErrorCode"),
        Array("Members", "3+", String("MemberId"), String("GroupInstanceId").NullableIn("0+"), Int16("ErrorCode")));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        bool batch = context.Version >= 3;
        var leaving = batch
            ? (request.Structs("Members") ?? []).Select(m => (m.String("MemberId") ?? "", m.String("GroupInstanceId"))).ToList()
            : [(request.String("MemberId") ?? "", (string?)null)];
        var results = context.Broker.Groups.LeaveGroup(request.String("GroupId") ?? "", leaving, out var topLevel);
        return ValueTask.FromResult(new StructValue
        {
            ["ErrorCode"] = (short)(batch && results.Count > 0 ? ErrorCode.None : topLevel),
            ["Members"] = StructValue.List(results.Select(r => new StructValue { ["MemberId"] = r.MemberId, ["GroupInstanceId"] = r.InstanceId, ["ErrorCode"] = (short)r.Error })),
        });
    }
}
