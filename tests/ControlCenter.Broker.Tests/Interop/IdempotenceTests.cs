using ControlCenter.LogFormat;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.Broker.Tests.Interop;

/// <summary>InitProducerId and sequence checks, driven batch by batch on the wire.</summary>
public class IdempotenceTests : IAsyncLifetime
{
    private TestBroker _broker = null!;
    private RawKafkaClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _broker = await TestBroker.StartAsync();
        await Clients.CreateTopicAsync(_broker.BootstrapServers, "idem");
        _client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _broker.DisposeAsync();
    }

    private async Task<long> InitProducerIdAsync()
    {
        var reader = await _client.SendAsync(22, 1, w => { w.WriteNullableString(null); w.WriteInt32(60000); });
        reader.ReadInt32();
        Assert.Equal(0, reader.ReadInt16());
        long id = reader.ReadInt64();
        Assert.Equal(0, reader.ReadInt16());
        return id;
    }

    private async Task<(short Error, long BaseOffset)> ProduceAsync(long producerId, short epoch, int sequence, int records = 2)
    {
        var builder = new RecordBatchBuilder { ProducerId = producerId, ProducerEpoch = epoch, BaseSequence = sequence };
        for (int i = 0; i < records; i++) builder.Add(1_700_000_000_000, null, [(byte)(sequence + i)]);
        byte[] batch = builder.Build();
        var reader = await _client.SendAsync(0, 7, w =>
        {
            w.WriteNullableString(null); w.WriteInt16(-1); w.WriteInt32(5000);
            w.WriteArrayLength(1); w.WriteString("idem");
            w.WriteArrayLength(1); w.WriteInt32(0); w.WriteBytes(batch);
        });
        reader.ReadArrayLength(); reader.ReadString(); reader.ReadArrayLength(); reader.ReadInt32();
        return (reader.ReadInt16(), reader.ReadInt64());
    }

    [Fact]
    public async Task RetriedBatchIsAnsweredWithItsOriginalOffset()
    {
        long pid = await InitProducerIdAsync();
        Assert.Equal((0, 0L), await ProduceAsync(pid, 0, 0));
        Assert.Equal((0, 2L), await ProduceAsync(pid, 0, 2));
        Assert.Equal((0, 0L), await ProduceAsync(pid, 0, 0)); // a retry of the first batch
        Assert.Equal((0, 2L), await ProduceAsync(pid, 0, 2));
        Assert.Equal(4, Clients.ReadAll(_broker.BootstrapServers, "idem", 1).Count);
    }

    [Fact]
    public async Task SequenceGapsAndStaleEpochsAreRefused()
    {
        long pid = await InitProducerIdAsync();
        Assert.Equal(0, (await ProduceAsync(pid, 1, 0)).Error);
        Assert.Equal(45, (await ProduceAsync(pid, 1, 7)).Error);  // OUT_OF_ORDER_SEQUENCE_NUMBER
        Assert.Equal(47, (await ProduceAsync(pid, 0, 2)).Error);  // INVALID_PRODUCER_EPOCH
        Assert.Equal(0, (await ProduceAsync(pid, 2, 0)).Error);   // a new epoch starts again at 0
        Assert.Equal(4, Clients.ReadAll(_broker.BootstrapServers, "idem", 1).Count);
    }

    [Fact]
    public async Task ProducerIdsNeverRepeatAcrossRestarts()
    {
        long first = await InitProducerIdAsync();
        long second = await InitProducerIdAsync();
        Assert.True(second > first);
        _client.Dispose();
        await _broker.RestartAsync();
        _client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        Assert.True(await InitProducerIdAsync() > second);
    }

    [Fact]
    public async Task OffsetForLeaderEpochAnswersEpochZeroWithTheLogEnd()
    {
        await ProduceAsync(await InitProducerIdAsync(), 0, 0, records: 3);
        var reader = await _client.SendAsync(23, 3, w =>
        {
            w.WriteInt32(-1);
            w.WriteArrayLength(1); w.WriteString("idem");
            w.WriteArrayLength(1); w.WriteInt32(0); w.WriteInt32(0); w.WriteInt32(0);
        });
        reader.ReadInt32();
        reader.ReadArrayLength(); reader.ReadString(); reader.ReadArrayLength();
        Assert.Equal(0, reader.ReadInt16());
        Assert.Equal(0, reader.ReadInt32());
        Assert.Equal(0, reader.ReadInt32());
        Assert.Equal(3, reader.ReadInt64());
    }
}
