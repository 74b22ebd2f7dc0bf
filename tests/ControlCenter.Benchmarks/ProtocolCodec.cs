using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Protocol.Apis;
using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.LogFormat;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.Benchmarks;

/// <summary>
/// What serving Produce and Fetch from their definitions costs against the hand-written codecs
/// they replaced: reading a produce request and writing a fetch response of one partition with
/// a 16 KB batch (what a producer's linger sends and a consumer gets back), classic and flexible.
/// </summary>
[MemoryDiagnoser]
public class ProtocolCodecBenchmarks
{
    [Params((short)8, (short)11)] public short Version;

    private static readonly MessageSpec ProduceRequest = ApiCatalog.Definitions.Single(d => d.Key == ApiKey.Produce).Request;
    private static readonly MessageSpec FetchResponse = ApiCatalog.Definitions.Single(d => d.Key == ApiKey.Fetch).Response!;
    private byte[] _produce = [];
    private byte[] _records = [];

    private bool Flexible => ProduceRequest.IsFlexible(Version);
    /// <summary>The same version's number in Fetch terms: v8 → v11 (classic), v11 → v12 (flexible, by name).</summary>
    private short FetchVersion => Flexible ? (short)12 : (short)11;

    [GlobalSetup]
    public void Setup()
    {
        var builder = new RecordBatchBuilder();
        for (int i = 0; i < 150; i++) builder.Add(1_700_000_000_000 + i, null, new byte[100]);
        _records = builder.Build();
        using var w = new KafkaWriter();
        MessageWriter.Write(ProduceRequest, Version, new StructValue
        {
            ["Acks"] = (short)-1, ["TimeoutMs"] = 30_000,
            ["TopicData"] = StructValue.List([new StructValue
            {
                ["Name"] = "orders",
                ["PartitionData"] = StructValue.List([new StructValue { ["Index"] = 3, ["Records"] = _records }]),
            }]),
        }, w);
        _produce = w.ToArray();
    }

    [Benchmark(Baseline = true)]
    public int ProduceRequestHandWritten()
    {
        var r = new KafkaReader(_produce);
        bool flexible = Flexible;
        _ = flexible ? r.ReadCompactNullableString() : r.ReadNullableString();
        short acks = r.ReadInt16();
        r.ReadInt32();
        int total = acks;
        int topics = flexible ? r.ReadCompactArrayLength() : r.ReadArrayLength();
        for (int t = 0; t < topics; t++)
        {
            var name = flexible ? r.ReadCompactString() : r.ReadString();
            int partitions = flexible ? r.ReadCompactArrayLength() : r.ReadArrayLength();
            for (int p = 0; p < partitions; p++)
            {
                total += r.ReadInt32() + name.Length;
                total += (flexible ? r.ReadCompactNullableBytes() : r.ReadNullableBytes())?.Length ?? 0;
                if (flexible) r.SkipTaggedFields();
            }
            if (flexible) r.SkipTaggedFields();
        }
        if (flexible) r.SkipTaggedFields();
        return total;
    }

    [Benchmark]
    public int ProduceRequestFromDefinition()
    {
        var request = MessageReader.Read(ProduceRequest, Version, new KafkaReader(_produce));
        int total = request.Int16("Acks");
        foreach (var topic in request.Structs("TopicData")!)
            foreach (var partition in topic.Structs("PartitionData")!)
                total += partition.Int32("Index") + topic.String("Name")!.Length + (partition.Records("Records")?.Length ?? 0);
        return total;
    }

    [Benchmark]
    public int FetchResponseHandWritten()
    {
        using var w = new KafkaWriter(64 * 1024); // pooled, as the server's response writer
        bool flexible = FetchVersion >= 12;
        w.WriteInt32(0); w.WriteInt16(0); w.WriteInt32(0);
        if (flexible) { w.WriteCompactArrayLength(1); w.WriteCompactNullableString("orders"); w.WriteCompactArrayLength(1); }
        else { w.WriteArrayLength(1); w.WriteString("orders"); w.WriteArrayLength(1); }
        w.WriteInt32(3); w.WriteInt16(0); w.WriteInt64(150); w.WriteInt64(150); w.WriteInt64(0);
        if (flexible) w.WriteUVarint(0); else w.WriteArrayLength(-1);
        w.WriteInt32(-1);
        if (flexible) { w.WriteUVarint((uint)_records.Length + 1); w.WriteRaw(_records); w.WriteEmptyTaggedFields(); w.WriteEmptyTaggedFields(); w.WriteEmptyTaggedFields(); }
        else w.WriteBytes(_records);
        return w.Length;
    }

    [Benchmark]
    public int FetchResponseFromDefinition()
    {
        using var w = new KafkaWriter(64 * 1024); // pooled, as the server's response writer
        MessageWriter.Write(FetchResponse, FetchVersion, new StructValue
        {
            ["Responses"] = StructValue.List([new StructValue
            {
                ["Topic"] = "orders",
                ["Partitions"] = StructValue.List([new StructValue
                {
                    ["PartitionIndex"] = 3, ["HighWatermark"] = 150L, ["LastStableOffset"] = 150L, ["LogStartOffset"] = 0L,
                    ["AbortedTransactions"] = null, ["Records"] = _records,
                }]),
            }]),
        }, w);
        return w.Length;
    }
}

public static class ProtocolCodec
{
    public static Task RunAsync(Options options)
    {
        BenchmarkRunner.Run<ProtocolCodecBenchmarks>();
        return Task.CompletedTask;
    }
}
