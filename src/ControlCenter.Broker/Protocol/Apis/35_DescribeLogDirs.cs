using ControlCenter.Broker.Server;
using ControlCenter.Broker.Protocol.Messages;
using static ControlCenter.Broker.Protocol.Messages.Schema;

namespace ControlCenter.Broker.Protocol.Apis;

/// <summary>
/// DescribeLogDirs v0–4, served from its definition: the single log dir with the size of every
/// (or every requested) partition; v4 adds the dir's volume size and free space (KIP-827).
/// </summary>
internal sealed class DescribeLogDirsApi : DefinedApi
{
    public override ApiKey Key => ApiKey.DescribeLogDirs;

    public override MessageSpec Request { get; } = Message("DescribeLogDirsRequest", "0-4", "2+",
        Array("Topics", "0+", String("Topic"), ArrayOf(FieldKind.Int32, "Partitions")).NullableIn("0+"));

    public override MessageSpec Response { get; } = Message("DescribeLogDirsResponse", "0-4", "2+",
        Int32("ThrottleTimeMs"),
        Int16("ErrorCode", "3+"),
        Array("Results", "0+",
            Int16("ErrorCode"),
            String("LogDir"),
            Array("Topics", "0+",
                String("Name"),
                Array("Partitions", "0+", Int32("PartitionIndex"), Int64("PartitionSize"), Int64("OffsetLag"), Bool("IsFutureKey"))),
            Int64("TotalBytes", "4+").WithDefault(-1L),
            Int64("UsableBytes", "4+").WithDefault(-1L)));

    protected override ValueTask<StructValue> HandleAsync(RequestContext context, StructValue request)
    {
        var logs = context.Broker.Logs;
        var requested = request.Structs("Topics");
        var topics = requested is null
            ? logs.Topics.Select(t => (t.Name, Partitions: (IReadOnlyList<int>)Enumerable.Range(0, t.Partitions.Length).ToList()))
            : requested.Select(t => (Name: t.String("Topic") ?? "", Partitions: t.Array<int>("Partitions") ?? [])).Where(t => logs.GetTopic(t.Name) is not null);
        var answers = topics.Select(t => new StructValue
        {
            ["Name"] = t.Name,
            ["Partitions"] = StructValue.List(t.Partitions.Select(p => (Partition: p, Log: logs.GetLog(t.Name, p))).Where(p => p.Log is not null)
                .Select(p => new StructValue { ["PartitionIndex"] = p.Partition, ["PartitionSize"] = p.Log!.Size })), // no lag: the single replica leads
        });
        var dir = new StructValue { ["LogDir"] = logs.DataDir, ["Topics"] = StructValue.List(answers) };
        try
        {
            var drive = new DriveInfo(Path.GetFullPath(logs.DataDir));
            dir["TotalBytes"] = drive.TotalSize;
            dir["UsableBytes"] = drive.AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // The volume cannot be asked (a dir on an unusual mount): -1, which Kafka also answers when it does not know.
        }
        return ValueTask.FromResult(new StructValue { ["Results"] = StructValue.List([dir]) });
    }
}
