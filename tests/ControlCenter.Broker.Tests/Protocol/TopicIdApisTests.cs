using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.LogFormat;
using ControlCenter.LogFormat.Records;
using ErrorCode = ControlCenter.Broker.Protocol.ErrorCode;

namespace ControlCenter.Broker.Tests.Protocol;

/// <summary>
/// Produce, Fetch and ListOffsets at Kafka 4.1's versions: topics named by id (Produce v13,
/// Fetch v13+), flexible encodings, the new ListOffsets specs; and librdkafka choosing the
/// flexible Fetch it now finds.
/// </summary>
public class TopicIdApisTests : IAsyncLifetime
{
    private TestBroker _broker = null!;
    private string Bootstrap => _broker.BootstrapServers;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _broker = await TestBroker.StartAsync();
    public async ValueTask DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task ProduceV13AndFetchV17NameTopicsByIdAndARealConsumerReadsWhatWasWritten()
    {
        await Clients.CreateTopicAsync(Bootstrap, "by-id", 2);
        var id = await TopicIdAsync("by-id");
        var batch = new RecordBatchBuilder().Add(1_700_000_000_000, null, "first"u8.ToArray()).Add(1_700_000_000_001, null, "second"u8.ToArray()).Build();

        var produced = await SendAsync(ApiKey.Produce, 13, new()
        {
            ["Acks"] = (short)-1, ["TimeoutMs"] = 5000,
            ["TopicData"] = StructValue.List([
                new StructValue { ["TopicId"] = id, ["PartitionData"] = StructValue.List([new StructValue { ["Index"] = 1, ["Records"] = batch }]) },
                new StructValue { ["TopicId"] = Guid.NewGuid(), ["PartitionData"] = StructValue.List([new StructValue { ["Index"] = 0, ["Records"] = batch }]) },
            ]),
        });
        var answers = produced.Structs("Responses")!;
        Assert.Equal(id, answers[0].Uuid("TopicId"));
        var written = Assert.Single(answers[0].Structs("PartitionResponses")!);
        Assert.Equal((1, (short)0, 0L), (written.Int32("Index"), written.Int16("ErrorCode"), written.Int64("BaseOffset")));
        var unknown = Assert.Single(answers[1].Structs("PartitionResponses")!);
        Assert.Equal((short)ErrorCode.UnknownTopicId, unknown.Int16("ErrorCode"));
        Assert.NotNull(unknown.String("ErrorMessage"));

        // A real consumer reads what v13 wrote.
        var read = Clients.ReadAll(Bootstrap, "by-id", 2);
        Assert.Equal(["first", "second"], read.Select(r => Encoding.UTF8.GetString(r.Message.Value!)));

        // Fetch v17 by id returns the batch as written; an unknown id is UNKNOWN_TOPIC_ID.
        var fetched = await SendAsync(ApiKey.Fetch, 17, new()
        {
            ["MaxWaitMs"] = 0, ["MinBytes"] = 1, ["MaxBytes"] = 1 << 20,
            ["Topics"] = StructValue.List([
                new StructValue { ["TopicId"] = id, ["Partitions"] = StructValue.List([new StructValue { ["Partition"] = 1, ["FetchOffset"] = 0L, ["PartitionMaxBytes"] = 1 << 20 }]) },
                new StructValue { ["TopicId"] = Guid.NewGuid(), ["Partitions"] = StructValue.List([new StructValue { ["Partition"] = 0, ["FetchOffset"] = 0L, ["PartitionMaxBytes"] = 1 << 20 }]) },
            ]),
        });
        var topics = fetched.Structs("Responses")!;
        var partition = Assert.Single(topics[0].Structs("Partitions")!);
        Assert.Equal((id, (short)0, 2L, 2L), (topics[0].Uuid("TopicId"), partition.Int16("ErrorCode"), partition.Int64("HighWatermark"), partition.Int64("LastStableOffset")));
        var records = partition.Records("Records")!.Value;
        Assert.Equal(batch.Length, records.Length);
        Assert.True(RecordBatchHeader.TryRead(records.Span, out var header));
        Assert.Equal((0L, 2), (header.BaseOffset, header.RecordCount));
        Assert.Equal(batch.AsSpan(RecordBatchHeader.AttributesOffset).ToArray(), records.Span[RecordBatchHeader.AttributesOffset..].ToArray()); // as produced, from the attributes on
        Assert.Equal((short)ErrorCode.UnknownTopicId, Assert.Single(topics[1].Structs("Partitions")!).Int16("ErrorCode"));
    }

    [Fact]
    public async Task AConfluentConsumerFetchesWithAFlexibleVersionThatNamesTopicsById()
    {
        await Clients.CreateTopicAsync(Bootstrap, "flexible-fetch", 1);
        using (var producer = Clients.Producer(Bootstrap))
            await producer.ProduceAsync("flexible-fetch", new Message<byte[]?, byte[]?> { Value = "hello"u8.ToArray() }, Cancellation);

        var sent = new ConcurrentQueue<string>();
        var config = new ConsumerConfig { BootstrapServers = Bootstrap, GroupId = "flexible", AutoOffsetReset = AutoOffsetReset.Earliest, Debug = "protocol" };
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).SetLogHandler((_, m) => sent.Enqueue(m.Message)).Build();
        consumer.Subscribe("flexible-fetch");
        var record = consumer.Consume(TimeSpan.FromSeconds(30));
        Assert.Equal("hello", Encoding.UTF8.GetString(record!.Message.Value!));
        consumer.Close();

        var fetchVersions = sent.Select(m => Regex.Match(m, @"Sent FetchRequest \(v(\d+)")).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.NotEmpty(fetchVersions);
        Assert.All(fetchVersions, v => Assert.True(v >= 13, $"librdkafka fetched with v{v}, which names topics by name"));
    }

    [Fact]
    public async Task ListOffsetsV10AnswersEveryKindOfSpecialTimestamp()
    {
        await Clients.CreateTopicAsync(Bootstrap, "specs", 1);
        using (var producer = Clients.Producer(Bootstrap))
            foreach (long ts in new long[] { 1_000, 5_000, 3_000 })
                await producer.ProduceAsync(new TopicPartition("specs", 0), new Message<byte[]?, byte[]?> { Value = [1], Timestamp = new Timestamp(ts, Confluent.Kafka.TimestampType.CreateTime) }, Cancellation);

        async Task<(short Error, long Timestamp, long Offset, int Epoch)> ListAsync(long timestamp, string topic = "specs")
        {
            var response = await SendAsync(ApiKey.ListOffsets, 10, new()
            {
                ["ReplicaId"] = -1, ["TimeoutMs"] = 1000,
                ["Topics"] = StructValue.List([new StructValue { ["Name"] = topic, ["Partitions"] = StructValue.List([new StructValue { ["PartitionIndex"] = 0, ["Timestamp"] = timestamp }]) }]),
            });
            var p = Assert.Single(Assert.Single(response.Structs("Topics")!).Structs("Partitions")!);
            return (p.Int16("ErrorCode"), p.Int64("Timestamp"), p.Int64("Offset"), p.Int32("LeaderEpoch"));
        }

        Assert.Equal(((short)0, -1L, 3L, 0), await ListAsync(-1));       // latest
        Assert.Equal(((short)0, -1L, 0L, 0), await ListAsync(-2));       // earliest
        Assert.Equal(((short)0, 5_000L, 1L, 0), await ListAsync(-3));    // max timestamp (KIP-734)
        Assert.Equal(((short)0, -1L, 0L, 0), await ListAsync(-4));       // earliest local: nothing is tiered
        Assert.Equal(((short)0, -1L, -1L, -1), await ListAsync(-5));     // latest tiered: none
        Assert.Equal(((short)0, 5_000L, 1L, 0), await ListAsync(2_000)); // the earliest offset stamped at or after 2,000 ms
        Assert.Equal(((short)0, -1L, -1L, -1), await ListAsync(6_000));  // none stamped that late
        Assert.Equal((short)ErrorCode.InvalidRequest, (await ListAsync(-6)).Error);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, (await ListAsync(-1, "nowhere")).Error);
    }

    [Fact]
    public async Task ProduceV13ResponseIsEncodedAsKafkaEncodesIt()
    {
        await Clients.CreateTopicAsync(Bootstrap, "exact", 1);
        var id = await TopicIdAsync("exact");
        var batch = new RecordBatchBuilder().Add(1_700_000_000_000, null, [7]).Build();
        using var client = await RawKafkaClient.ConnectAsync(Bootstrap);
        var reader = await client.SendAsync(0, 13, w =>
        {
            w.WriteUVarint(0);                                          // TransactionalId: null
            w.WriteInt16(1); w.WriteInt32(5000);                       // Acks, TimeoutMs
            w.WriteUVarint(2); w.WriteUuid(id);                        // one topic, by id
            w.WriteUVarint(2); w.WriteInt32(0);                        //   one partition: 0
            w.WriteUVarint((uint)batch.Length + 1); w.WriteRaw(batch); //   its records
            w.WriteUVarint(0); w.WriteUVarint(0); w.WriteUVarint(0);   // tagged fields: partition, topic, request
        }, flexibleHeader: true);
        using var expected = new KafkaWriter();
        expected.WriteUVarint(0);                                      // response header v1
        expected.WriteUVarint(2); expected.WriteUuid(id);              // one topic, by id
        expected.WriteUVarint(2); expected.WriteInt32(0);              //   partition 0
        expected.WriteInt16(0); expected.WriteInt64(0);                //   no error, base offset 0
        expected.WriteInt64(-1); expected.WriteInt64(0);               //   log append time (CreateTime: -1), log start offset
        expected.WriteUVarint(1); expected.WriteUVarint(0);            //   no record errors, null error message
        expected.WriteUVarint(0); expected.WriteUVarint(0);            //   tagged fields: partition (no leader hint), topic
        expected.WriteInt32(0); expected.WriteUVarint(0);              // throttle time, no node endpoints
        Assert.Equal(expected.ToArray(), reader.ReadBytesMemory(reader.Remaining).ToArray());
    }

    private async Task<Guid> TopicIdAsync(string topic)
    {
        var metadata = await SendAsync(ApiKey.Metadata, 12, new() { ["Topics"] = StructValue.List([new StructValue { ["Name"] = topic }]) });
        return Assert.Single(metadata.Structs("Topics")!).Uuid("TopicId");
    }

    private Task<StructValue> SendAsync(ApiKey key, short version, StructValue request) => RawKafkaClient.SendDefinedAsync(Bootstrap, key, version, request);
}
