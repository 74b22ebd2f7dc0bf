using System.Text;
using Confluent.Kafka;

namespace ControlCenter.Broker.Tests.Interop;

/// <summary>Round trips through Confluent.Kafka: every acks setting and codec, keys, nulls, headers, timestamps.</summary>
public class ProduceConsumeTests
{
    public static TheoryData<Acks, CompressionType> AcksAndCodecs()
    {
        var data = new TheoryData<Acks, CompressionType>();
        foreach (var acks in new[] { Acks.None, Acks.Leader, Acks.All })
            foreach (var codec in new[] { CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd })
                data.Add(acks, codec);
        return data;
    }

    [Theory]
    [MemberData(nameof(AcksAndCodecs))]
    public async Task ConsumerReadsBackExactlyWhatWasProduced(Acks acks, CompressionType codec)
    {
        await using var broker = await TestBroker.StartAsync();
        const string topic = "round-trip";
        await Clients.CreateTopicAsync(broker.BootstrapServers, topic, partitions: 3);
        var baseTime = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var sent = new List<Message<byte[]?, byte[]?>>();
        for (int i = 0; i < 300; i++)
        {
            var headers = new Headers();
            if (i % 3 == 0) headers.Add("trace", Encoding.UTF8.GetBytes($"t-{i}"));
            if (i % 5 == 0) headers.Add("empty", null);
            sent.Add(new Message<byte[]?, byte[]?>
            {
                Key = i % 4 == 0 ? null : Encoding.UTF8.GetBytes($"key-{i % 17}"),
                Value = i % 7 == 0 ? null : Encoding.UTF8.GetBytes(new string('v', i % 50) + i),
                Headers = headers,
                Timestamp = new Timestamp(baseTime.AddSeconds(i)),
            });
        }
        using (var producer = Clients.Producer(broker.BootstrapServers, c => { c.Acks = acks; c.CompressionType = codec; c.LingerMs = 5; }))
        {
            for (int i = 0; i < sent.Count; i++)
                producer.Produce(new TopicPartition(topic, i % 3), sent[i]);
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        var received = Clients.ReadAll(broker.BootstrapServers, topic, 3);
        Assert.Equal(sent.Count, received.Count);
        for (int p = 0; p < 3; p++)
        {
            var expected = sent.Where((_, i) => i % 3 == p).ToList();
            var actual = received.Where(r => r.Partition.Value == p).ToList();
            Assert.Equal(Enumerable.Range(0, expected.Count).Select(o => (long)o), actual.Select(r => r.Offset.Value));
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Key, actual[i].Message.Key);
                Assert.Equal(expected[i].Value, actual[i].Message.Value);
                Assert.Equal(expected[i].Timestamp.UnixTimestampMs, actual[i].Message.Timestamp.UnixTimestampMs);
                Assert.Equal(TimestampType.CreateTime, actual[i].Message.Timestamp.Type);
                Assert.Equal(expected[i].Headers.Select(h => (h.Key, h.GetValueBytes())), actual[i].Message.Headers.Select(h => (h.Key, h.GetValueBytes())));
            }
        }
    }

    [Fact]
    public async Task ProduceReportsTheOffsetsItWasGiven()
    {
        await using var broker = await TestBroker.StartAsync();
        using var producer = Clients.Producer(broker.BootstrapServers);
        var offsets = new List<long>();
        for (int i = 0; i < 20; i++)
            offsets.Add((await producer.ProduceAsync("offsets", new Message<byte[]?, byte[]?> { Value = [(byte)i] }, TestContext.Current.CancellationToken)).Offset.Value);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), offsets);
    }

    [Fact]
    public async Task LogAppendTimeTopicsStampRecordsWithBrokerTime()
    {
        await using var broker = await TestBroker.StartAsync();
        await Clients.CreateTopicAsync(broker.BootstrapServers, "lat", configs: new() { ["message.timestamp.type"] = "LogAppendTime" });
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using (var producer = Clients.Producer(broker.BootstrapServers))
            await producer.ProduceAsync("lat", new Message<byte[]?, byte[]?> { Value = [1], Timestamp = new Timestamp(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc)) }, TestContext.Current.CancellationToken);
        var record = Assert.Single(Clients.ReadAll(broker.BootstrapServers, "lat", 1));
        Assert.Equal(TimestampType.LogAppendTime, record.Message.Timestamp.Type);
        Assert.InRange(record.Message.Timestamp.UnixTimestampMs, before - 1000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000);
    }

    [Fact]
    public async Task IdempotentProducerWritesEachRecordOnce()
    {
        await using var broker = await TestBroker.StartAsync();
        using (var producer = Clients.Producer(broker.BootstrapServers, c => { c.EnableIdempotence = true; c.Acks = Acks.All; }))
        {
            for (int i = 0; i < 500; i++) producer.Produce("idem", new Message<byte[]?, byte[]?> { Value = BitConverter.GetBytes(i) });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }
        var values = Clients.ReadAll(broker.BootstrapServers, "idem", 1).Select(r => BitConverter.ToInt32(r.Message.Value)).ToList();
        Assert.Equal(Enumerable.Range(0, 500), values);
    }

    [Fact]
    public async Task BatchesAboveMaxMessageBytesAreRefused()
    {
        await using var broker = await TestBroker.StartAsync();
        await Clients.CreateTopicAsync(broker.BootstrapServers, "small", configs: new() { ["max.message.bytes"] = "2000" });
        using var producer = Clients.Producer(broker.BootstrapServers, c => c.MessageMaxBytes = 100_000);
        var error = await Assert.ThrowsAsync<ProduceException<byte[]?, byte[]?>>(() =>
            producer.ProduceAsync("small", new Message<byte[]?, byte[]?> { Value = new byte[5000] }, TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCode.MsgSizeTooLarge, error.Error.Code);
        await producer.ProduceAsync("small", new Message<byte[]?, byte[]?> { Value = new byte[100] }, TestContext.Current.CancellationToken);
        Assert.Single(Clients.ReadAll(broker.BootstrapServers, "small", 1));
    }

    [Fact]
    public async Task FetchLongPollWakesWhenDataArrives()
    {
        await using var broker = await TestBroker.StartAsync();
        await Clients.CreateTopicAsync(broker.BootstrapServers, "wake");
        // Two minutes of fetch.wait.max.ms: no poll runs out during the test, each one ends because data came.
        using var consumer = Clients.Consumer(broker.BootstrapServers, configure: c => c.FetchWaitMaxMs = 120_000);
        consumer.Assign(new TopicPartitionOffset("wake", 0, Offset.Beginning));
        var consumed = Task.Run(() => consumer.Consume(TimeSpan.FromSeconds(60)), TestContext.Current.CancellationToken);
        var waits = broker.Broker.FetchWaits;
        await Wait.UntilAsync(() => waits.Waiting == 1, "the consumer's fetch to park on the broker", cancellation: TestContext.Current.CancellationToken);
        using var producer = Clients.Producer(broker.BootstrapServers);
        await producer.ProduceAsync("wake", new Message<byte[]?, byte[]?> { Value = [42] }, TestContext.Current.CancellationToken);
        var result = await consumed;
        Assert.NotNull(result);
        Assert.Equal(new byte[] { 42 }, result.Message.Value);
        Assert.True(waits.Woken >= 1);
        Assert.Equal(0, waits.Expired); // the append woke the parked poll; none ran out its wait
    }

    [Fact]
    public async Task InternalTopicsRefuseRecordsFromClients()
    {
        await using var broker = await TestBroker.StartAsync();
        using (var consumer = Clients.Consumer(broker.BootstrapServers, "creates-offsets")) consumer.Commit([new TopicPartitionOffset("__consumer_offsets", 0, 0)]);
        using var producer = Clients.Producer(broker.BootstrapServers, c => c.MessageSendMaxRetries = 0);
        var refused = await Assert.ThrowsAsync<ProduceException<byte[]?, byte[]?>>(() =>
            producer.ProduceAsync(new TopicPartition("__consumer_offsets", 0), new Message<byte[]?, byte[]?> { Key = [1], Value = [2] }, TestContext.Current.CancellationToken));
        Assert.Equal(ErrorCode.TopicException, refused.Error.Code); // INVALID_TOPIC_EXCEPTION, as Kafka answers
    }
}
