using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.Benchmarks;

/// <summary>Costs on the produce path that run once per batch: CRC-32C and record framing checks.</summary>
[MemoryDiagnoser]
public class ProducePathBenchmarks
{
    private byte[] _batch = [];

    [GlobalSetup]
    public void Setup()
    {
        var builder = new RecordBatchBuilder();
        var value = new byte[100];
        for (int i = 0; i < 10_000; i++) builder.Add(1_700_000_000_000 + i, null, value);
        _batch = builder.Build(); // ~1.1 MB, like librdkafka's batch.size
    }

    [Benchmark] public uint Crc32C() => RecordBatchHeader.ComputeCrc(_batch);

    [Benchmark] public bool ValidateFraming() => RecordCodec.ValidateUncompressedFraming(_batch.AsSpan(RecordBatchHeader.Size), 10_000);
}

public static class Micro
{
    public static Task RunAsync(Options options)
    {
        BenchmarkRunner.Run<ProducePathBenchmarks>();
        return Task.CompletedTask;
    }
}
