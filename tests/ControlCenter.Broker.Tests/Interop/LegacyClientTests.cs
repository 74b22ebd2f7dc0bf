using System.Text;
using Confluent.Kafka;
using ControlCenter.LogFormat;
using ControlCenter.LogFormat.Records;
using CompressionType = ControlCenter.LogFormat.Records.CompressionType;
using TimestampType = ControlCenter.LogFormat.Records.TimestampType;

namespace ControlCenter.Broker.Tests.Interop;

/// <summary>
/// Clients from before message format v2 (sarama's defaults, kafka-go 0.2): legacy message sets
/// in, up-converted to v2 on disk; legacy messages out for Fetch v0–3.
/// </summary>
public class LegacyClientTests : IAsyncLifetime
{
    private TestBroker _broker = null!;

    public async ValueTask InitializeAsync() => _broker = await TestBroker.StartAsync();
    public async ValueTask DisposeAsync() => await _broker.DisposeAsync();

    private static byte[] MessageSet(sbyte magic, params (string Key, string Value, long Timestamp)[] messages)
    {
        var stream = new MemoryStream();
        for (int i = 0; i < messages.Length; i++)
            LegacyMessageSet.WriteMessage(stream, i, magic, messages[i].Timestamp, TimestampType.CreateTime,
                Encoding.UTF8.GetBytes(messages[i].Key), false, Encoding.UTF8.GetBytes(messages[i].Value), false);
        return stream.ToArray();
    }

    private async Task<short> ProduceAsync(short version, string topic, byte[] records)
    {
        using var client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        var reader = await client.SendAsync(0, version, w =>
        {
            if (version >= 3) w.WriteNullableString(null);
            w.WriteInt16(1); w.WriteInt32(5000);
            w.WriteArrayLength(1); w.WriteString(topic);
            w.WriteArrayLength(1); w.WriteInt32(0); w.WriteBytes(records);
        });
        reader.ReadArrayLength(); reader.ReadString(); reader.ReadArrayLength(); reader.ReadInt32();
        return reader.ReadInt16();
    }

    private async Task CreateAsync(string topic) => await Clients.CreateTopicAsync(_broker.BootstrapServers, topic);

    [Fact]
    public async Task MagicZeroMessagesAreStoredAsV2AndReadByModernConsumers()
    {
        await CreateAsync("legacy0");
        Assert.Equal(0, await ProduceAsync(0, "legacy0", MessageSet(0, ("a", "one", -1), ("b", "two", -1))));
        var records = Clients.ReadAll(_broker.BootstrapServers, "legacy0", 1);
        Assert.Equal([("a", "one"), ("b", "two")], records.Select(r => (Encoding.UTF8.GetString(r.Message.Key!), Encoding.UTF8.GetString(r.Message.Value!))));
        byte[] log = File.ReadAllBytes(Path.Combine(_broker.Broker.PartitionDirectory("legacy0", 0), "00000000000000000000.log"));
        Assert.True(RecordBatchHeader.TryRead(log, out var header));
        Assert.Equal(2, header.Magic);
    }

    [Fact]
    public async Task CompressedMagicOneWrapperIsUnpackedWithItsTimestamps()
    {
        await CreateAsync("legacy1");
        long t0 = new DateTimeOffset(2026, 2, 2, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        byte[] inner = MessageSet(1, ("k1", "v1", t0), ("k2", "v2", t0 + 1000), ("k3", "v3", t0 + 2000));
        byte[] compressed = CompressionCodecs.Compress(CompressionType.Gzip, inner);
        var wrapper = new MemoryStream();
        LegacyMessageSet.WriteMessage(wrapper, 2, 1, t0 + 2000, TimestampType.CreateTime, default, true, compressed, false, CompressionType.Gzip);

        Assert.Equal(0, await ProduceAsync(2, "legacy1", wrapper.ToArray()));
        var records = Clients.ReadAll(_broker.BootstrapServers, "legacy1", 1);
        Assert.Equal(["v1", "v2", "v3"], records.Select(r => Encoding.UTF8.GetString(r.Message.Value!)));
        Assert.Equal([t0, t0 + 1000, t0 + 2000], records.Select(r => r.Message.Timestamp.UnixTimestampMs));
        Assert.Equal([0L, 1L, 2L], records.Select(r => r.Offset.Value));
    }

    [Fact]
    public async Task ProduceVersionsAndFormatsMustMatch()
    {
        await CreateAsync("mismatch");
        byte[] v2Batch = new RecordBatchBuilder().Add(0, null, [1]).Build();
        Assert.Equal(87, await ProduceAsync(2, "mismatch", v2Batch));            // INVALID_RECORD
        Assert.Equal(87, await ProduceAsync(3, "mismatch", MessageSet(1, ("k", "v", 0)))); // INVALID_RECORD
        Assert.Empty(Clients.ReadAll(_broker.BootstrapServers, "mismatch", 1));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    public async Task OldFetchVersionsGetDownConvertedMessages(short fetchVersion, sbyte expectedMagic)
    {
        using (var producer = Clients.Producer(_broker.BootstrapServers, c => c.CompressionType = Confluent.Kafka.CompressionType.Lz4))
            for (int i = 0; i < 5; i++)
                await producer.ProduceAsync("modern", new Message<byte[]?, byte[]?>
                {
                    Key = Encoding.UTF8.GetBytes($"k{i}"), Value = Encoding.UTF8.GetBytes($"v{i}"),
                    Headers = [new Header("dropped", [1])], Timestamp = new Timestamp(1_700_000_000_000 + i, Confluent.Kafka.TimestampType.CreateTime),
                }, TestContext.Current.CancellationToken);

        using var client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        var reader = await client.SendAsync(1, fetchVersion, w =>
        {
            w.WriteInt32(-1); w.WriteInt32(100); w.WriteInt32(1);
            if (fetchVersion >= 3) w.WriteInt32(1_000_000);
            w.WriteArrayLength(1); w.WriteString("modern");
            w.WriteArrayLength(1); w.WriteInt32(0); w.WriteInt64(2); w.WriteInt32(1_000_000);
        });
        if (fetchVersion >= 1) reader.ReadInt32();
        reader.ReadArrayLength(); reader.ReadString(); reader.ReadArrayLength();
        Assert.Equal(0, reader.ReadInt32());
        Assert.Equal(0, reader.ReadInt16());
        Assert.Equal(5, reader.ReadInt64()); // high watermark
        var messages = LegacyMessageSet.Read(reader.ReadBytes().Span, out var codec);
        Assert.Equal(CompressionType.None, codec);
        Assert.Equal([2L, 3L, 4L], messages.Select(m => m.Offset));
        Assert.All(messages, m => Assert.Equal(expectedMagic, m.Magic));
        Assert.Equal(["v2", "v3", "v4"], messages.Select(m => Encoding.UTF8.GetString(m.Value!)));
        if (expectedMagic == 1) Assert.Equal([1_700_000_000_002L, 1_700_000_000_003L, 1_700_000_000_004L], messages.Select(m => m.Timestamp));
    }

    [Fact]
    public async Task MetadataV0EmptyListMeansAllTopics()
    {
        await CreateAsync("one");
        await CreateAsync("two");
        using var client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        var reader = await client.SendAsync(3, 0, w => w.WriteArrayLength(0));
        Assert.Equal(1, reader.ReadArrayLength());
        Assert.Equal(1, reader.ReadInt32()); reader.ReadString(); reader.ReadInt32();
        int topics = reader.ReadArrayLength();
        var names = new List<string>();
        for (int i = 0; i < topics; i++)
        {
            reader.ReadInt16(); names.Add(reader.ReadString());
            int partitions = reader.ReadArrayLength();
            for (int p = 0; p < partitions; p++) { reader.ReadInt16(); reader.ReadInt32(); reader.ReadInt32(); reader.ReadArray(r => r.ReadInt32()); reader.ReadArray(r => r.ReadInt32()); }
        }
        Assert.Equal(["one", "two"], names.Order());
    }

    [Fact]
    public async Task ListOffsetsV0AnswersWithAnOffsetList()
    {
        await CreateAsync("lo");
        Assert.Equal(0, await ProduceAsync(0, "lo", MessageSet(0, ("a", "1", -1), ("b", "2", -1), ("c", "3", -1))));
        using var client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        async Task<long> Query(long timestamp)
        {
            var reader = await client.SendAsync(2, 0, w =>
            {
                w.WriteInt32(-1); w.WriteArrayLength(1); w.WriteString("lo");
                w.WriteArrayLength(1); w.WriteInt32(0); w.WriteInt64(timestamp); w.WriteInt32(1);
            });
            reader.ReadArrayLength(); reader.ReadString(); reader.ReadArrayLength(); reader.ReadInt32();
            Assert.Equal(0, reader.ReadInt16());
            Assert.Equal(1, reader.ReadArrayLength());
            return reader.ReadInt64();
        }
        Assert.Equal(3, await Query(-1));
        Assert.Equal(0, await Query(-2));
    }

    [Fact]
    public async Task DescribeLogDirsReportsPartitionSizes()
    {
        await Clients.CreateTopicAsync(_broker.BootstrapServers, "sizes", 2);
        using (var producer = Clients.Producer(_broker.BootstrapServers))
            for (int i = 0; i < 10; i++) await producer.ProduceAsync(new TopicPartition("sizes", 1), new Message<byte[]?, byte[]?> { Value = new byte[100] }, TestContext.Current.CancellationToken);
        using var client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        var reader = await client.SendAsync(35, 1, w => w.WriteArrayLength(-1));
        reader.ReadInt32();
        Assert.Equal(1, reader.ReadArrayLength());
        Assert.Equal(0, reader.ReadInt16());
        Assert.Equal(_broker.DataDir, reader.ReadString());
        var sizes = new Dictionary<(string, int), long>();
        int topics = reader.ReadArrayLength();
        for (int t = 0; t < topics; t++)
        {
            string name = reader.ReadString();
            int partitions = reader.ReadArrayLength();
            for (int p = 0; p < partitions; p++) { int idx = reader.ReadInt32(); sizes[(name, idx)] = reader.ReadInt64(); reader.ReadInt64(); reader.ReadBool(); }
        }
        Assert.Equal(0, sizes[("sizes", 0)]);
        Assert.Equal(new FileInfo(Path.Combine(_broker.Broker.PartitionDirectory("sizes", 1), "00000000000000000000.log")).Length, sizes[("sizes", 1)]);
    }
}
