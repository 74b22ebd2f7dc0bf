using ControlCenter.Broker.Server;
using ControlCenter.LogFormat;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>DescribeLogDirs v0–1: the single log dir with the size of every (or every requested) partition.</summary>
internal sealed class DescribeLogDirsApi : ApiHandler
{
    public override ApiKey Key => ApiKey.DescribeLogDirs;

    /// <summary>The request as Kafka defines it (clients/src/main/resources/common/message).</summary>
    public override MessageSpec Request { get; } = Message("DescribeLogDirsRequest", "0-4", "2+",
        Array("Topics", "0+", String("Topic"), ArrayOf(FieldKind.Int32, "Partitions")).NullableIn("0+"));
    public override short MaxVersion => 1;

    public override ValueTask<bool> HandleAsync(RequestContext context, KafkaReader request, KafkaWriter response)
    {
        var requested = request.ReadNullableArray(r => (Name: r.ReadString(), Partitions: r.ReadArray(p => p.ReadInt32())));
        var logs = context.Broker.Logs;
        var topics = requested is null
            ? logs.Topics.Select(t => (t.Name, Partitions: Enumerable.Range(0, t.Partitions.Length).ToList())).ToList()
            : requested.Where(t => logs.GetTopic(t.Name) is not null).ToList();

        response.WriteInt32(0);
        response.WriteArrayLength(1);
        response.WriteErrorCode(ErrorCode.None);
        response.WriteString(logs.DataDir);
        response.WriteArrayLength(topics.Count);
        foreach (var (name, partitions) in topics)
        {
            var existing = partitions.Select(p => (Partition: p, Log: logs.GetLog(name, p))).Where(p => p.Log is not null).ToList();
            response.WriteString(name);
            response.WriteArrayLength(existing.Count);
            foreach (var (partition, log) in existing)
            {
                response.WriteInt32(partition);
                response.WriteInt64(log!.Size);
                response.WriteInt64(0); // offset lag: the single replica is the leader
                response.WriteBool(false);
            }
        }
        return ValueTask.FromResult(true);
    }
}
