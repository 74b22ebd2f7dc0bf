using System.Buffers.Binary;
using Confluent.Kafka;
using ControlCenter.LogFormat;

namespace ControlCenter.Broker.Tests.Interop;

/// <summary>Bad frames close the offending connection; the broker keeps serving everyone else and keeps its data.</summary>
public class MalformedInputTests : IAsyncLifetime
{
    private TestBroker _broker = null!;

    public async ValueTask InitializeAsync()
    {
        _broker = await TestBroker.StartAsync();
        using var producer = Clients.Producer(_broker.BootstrapServers);
        for (int i = 0; i < 5; i++) await producer.ProduceAsync("intact", new Message<byte[]?, byte[]?> { Value = [(byte)i] });
    }

    public async ValueTask DisposeAsync()
    {
        // Whatever was thrown at it, the broker still serves a fresh client and its data is intact.
        Assert.Equal([0, 1, 2, 3, 4], Clients.ReadAll(_broker.BootstrapServers, "intact", 1).Select(r => (int)r.Message.Value![0]));
        await _broker.DisposeAsync();
    }

    private static byte[] Frame(int size, params byte[] body)
    {
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, size);
        body.CopyTo(frame, 4);
        return frame;
    }

    [Fact]
    public async Task FrameClaimingTwoGigabytesIsRefusedWithoutAllocating()
    {
        using var client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await client.SendRawAsync(Frame(int.MaxValue, 0, 3, 0, 0));
        Assert.True(await client.IsClosedByPeerAsync(TimeSpan.FromSeconds(10)));
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 50_000_000, "the broker must not allocate what the frame claims");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(104857601)]
    public async Task ImpossibleSizesCloseTheConnection(int size)
    {
        using var client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        await client.SendRawAsync(Frame(size, 0, 18, 0, 0, 0, 0, 0, 1, 0, 0));
        Assert.True(await client.IsClosedByPeerAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task GarbageBytesCloseTheConnection()
    {
        using var client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        garbage[0] = 0x7F; // a huge size up front
        await client.SendRawAsync(garbage);
        Assert.True(await client.IsClosedByPeerAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task BodyShorterThanItsFieldsClosesTheConnection()
    {
        using var client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        using var w = new KafkaWriter();
        w.Reserve(4);
        w.WriteInt16(3); w.WriteInt16(1); w.WriteInt32(1); w.WriteNullableString("x"); // Metadata v1 header
        w.WriteInt32(1000); // claims 1000 topic names, sends none
        w.PatchInt32(0, w.Length - 4);
        await client.SendRawAsync(w.ToArray());
        Assert.True(await client.IsClosedByPeerAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task TruncatedFrameThenHangUpIsHarmless()
    {
        using (var client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers))
            await client.SendRawAsync(Frame(500, 0, 0, 0, 3, 0, 0, 0, 1));
        // A well-formed request on a new connection is still answered.
        using var next = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        var reader = await next.SendAsync(18, 0, _ => { });
        Assert.Equal(0, reader.ReadInt16());
    }

    [Fact]
    public async Task CorruptBatchInProduceIsRejectedAndNothingIsWritten()
    {
        var batch = new ControlCenter.LogFormat.Records.RecordBatchBuilder().Add(0, null, [9, 9, 9]).Build();
        batch[^1] ^= 0xFF; // CRC no longer matches
        using var client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        var reader = await client.SendAsync(0, 7, w =>
        {
            w.WriteNullableString(null); w.WriteInt16(1); w.WriteInt32(5000);
            w.WriteArrayLength(1); w.WriteString("intact");
            w.WriteArrayLength(1); w.WriteInt32(0); w.WriteBytes(batch);
        });
        reader.ReadArrayLength(); reader.ReadString(); reader.ReadArrayLength(); reader.ReadInt32();
        Assert.Equal(2, reader.ReadInt16()); // CORRUPT_MESSAGE
    }

    [Fact]
    public async Task UnknownApiKeyClosesTheConnection()
    {
        using var client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        await client.SendRawAsync(Frame(10, 0x03, 0xE7, 0, 0, 0, 0, 0, 1, 0xFF, 0xFF));
        Assert.True(await client.IsClosedByPeerAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task UnsupportedVersionClosesTheConnection()
    {
        using var client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        await client.SendRawAsync(Frame(10, 0, 0, 0, 99, 0, 0, 0, 1, 0xFF, 0xFF)); // Produce v99
        Assert.True(await client.IsClosedByPeerAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ApiVersionsAtAnUnknownVersionGetsTheV0ErrorReply()
    {
        using var client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        var reader = await client.SendAsync(18, 99, w => w.WriteEmptyTaggedFields(), flexibleHeader: true);
        Assert.Equal(35, reader.ReadInt16()); // UNSUPPORTED_VERSION
        Assert.Equal(1, reader.ReadInt32());
        Assert.Equal((short)18, reader.ReadInt16());
        Assert.Equal((short)0, reader.ReadInt16());
        Assert.Equal((short)4, reader.ReadInt16());
    }

    [Fact]
    public async Task ApiVersionsV3AdvertisesEveryApiWithMinimumZero()
    {
        using var client = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        var reader = await client.SendAsync(18, 3, w => { w.WriteCompactNullableString("raw-test"); w.WriteCompactNullableString("1.0"); w.WriteEmptyTaggedFields(); }, flexibleHeader: true);
        Assert.Equal(0, reader.ReadInt16());
        int count = reader.ReadCompactArrayLength();
        var apis = new Dictionary<short, (short Min, short Max)>();
        for (int i = 0; i < count; i++) { apis[reader.ReadInt16()] = (reader.ReadInt16(), reader.ReadInt16()); reader.SkipTaggedFields(); }
        // Produce, Fetch, ListOffsets and Metadata to Kafka 4.1's maxima (topic ids in Produce v13 and Fetch v13+).
        Assert.Equal([(0, 13), (0, 17), (0, 10), (0, 13)], new short[] { 0, 1, 2, 3 }.Select(k => apis[k]));
        Assert.Equal((0, 9), apis[8]); // OffsetCommit: v9 carries member epochs
        Assert.Equal((0, 9), apis[9]); // OffsetFetch: v8 batches groups, v9 names the member
        // The classic group APIs, to Kafka 4.1's maxima.
        Assert.Equal([(0, 6), (0, 9), (0, 4), (0, 5), (0, 5), (0, 6)], new short[] { 10, 11, 12, 13, 14, 15 }.Select(k => apis[k]));
        Assert.Equal((0, 4), apis[18]);
        // The admin APIs, to Kafka 4.1's maxima: CreateTopics, DeleteTopics, DeleteRecords, InitProducerId, OffsetForLeaderEpoch,
        // DescribeConfigs, AlterConfigs, DescribeLogDirs, CreatePartitions, DeleteGroups, ElectLeaders, IncrementalAlterConfigs, OffsetDelete.
        Assert.Equal([(0, 7), (0, 6), (0, 2), (0, 5), (0, 4), (0, 4), (0, 2), (0, 4), (0, 3), (0, 2), (0, 2), (0, 1), (0, 0)],
            new short[] { 19, 20, 21, 22, 23, 32, 33, 35, 37, 42, 43, 44, 47 }.Select(k => apis[k]));
        Assert.Equal((0, 1), apis[45]); // AlterPartitionReassignments: v1 can forbid a replication factor change (KIP-860)
        Assert.Equal((0, 0), apis[46]); // ListPartitionReassignments
        Assert.Equal((0, 2), apis[60]); // DescribeCluster, flexible-only, served from its definition
        Assert.Equal((0, 1), apis[68]); // ConsumerGroupHeartbeat (KIP-848)
        Assert.Equal((0, 1), apis[69]); // ConsumerGroupDescribe
        Assert.All(apis.Values, v => Assert.Equal(0, v.Min));
        Assert.False(apis.ContainsKey(76)); // share groups are not served
    }
}
