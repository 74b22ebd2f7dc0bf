using System.Text;
using Confluent.Kafka;
using ControlCenter.Broker.Protocol;
using ControlCenter.Broker.Protocol.Messages;
using ControlCenter.Kafka.Segments;

namespace ControlCenter.Kafka.Tests.Segments;

/// <summary>
/// Active producers rebuilt from a partition's log (the Partitions tab's producer list) agree with
/// what the broker's own DescribeProducers says, producer by producer.
/// </summary>
public class ProducerStateTests : ClusterTest
{
    private SegmentService Segments => Host.Get<SegmentService>();

    private async Task ProduceAsync(Action<ProducerConfig> configure, int partition, int count, DateTime? timestamp = null)
    {
        using var producer = Clients.Producer(Bootstrap, c => { c.LingerMs = 0; configure(c); });
        for (int i = 0; i < count; i++)
            await producer.ProduceAsync(new TopicPartition("producers", partition), new Message<byte[]?, byte[]?>
            {
                Value = Encoding.UTF8.GetBytes($"record-{i}"),
                Timestamp = timestamp is { } t ? new Timestamp(t) : Timestamp.Default,
            });
    }

    private async Task<List<(long Id, short Epoch, int LastSequence)>> DescribedByTheBrokerAsync(int partition)
    {
        using var client = await RawKafkaClient.ConnectAsync(Bootstrap);
        var response = await client.SendDefinedAsync(ApiKey.DescribeProducers, 0, new()
        {
            ["Topics"] = StructValue.List([new StructValue { ["Name"] = "producers", ["PartitionIndexes"] = StructValue.List([partition]) }]),
        });
        var described = response.Structs("Topics")!.Single().Structs("Partitions")!.Single();
        return described.Structs("ActiveProducers")!.Select(p => (p.Int64("ProducerId"), (short)p.Int32("ProducerEpoch"), p.Int32("LastSequence"))).OrderBy(p => p.Item1).ToList();
    }

    [Fact]
    public async Task ProducersReadFromTheLogMatchTheBrokersDescribeProducers()
    {
        // Small segments: the producers' batches spread over several files, walked oldest first.
        await Clients.CreateTopicAsync(Bootstrap, "producers", 2, new() { ["internal.segment.bytes"] = "1024" });
        await ProduceAsync(c => c.EnableIdempotence = true, 0, 25);
        await ProduceAsync(c => c.EnableIdempotence = true, 0, 7);
        await ProduceAsync(c => c.EnableIdempotence = false, 0, 5); // a plain producer leaves no producer state
        await ProduceAsync(c => c.EnableIdempotence = false, 1, 5);
        Assert.True((await Segments.ListAsync("producers", 0, TestContext.Current.CancellationToken))!.Segments.Count > 2);

        var fromLog = await Segments.ActiveProducersAsync("producers", 0, TestContext.Current.CancellationToken);
        Assert.NotNull(fromLog);
        Assert.Equal(2, fromLog.Count);
        Assert.Equal([24, 6], fromLog.Select(p => p.LastSequence));
        Assert.All(fromLog, p => Assert.Null(p.CurrentTxnStartOffset));
        Assert.Equal(31, fromLog[1].LastOffset); // 25 + 7 records: offsets 0–31, the plain producer's after them
        Assert.Equal(await DescribedByTheBrokerAsync(0), fromLog.Select(p => (p.ProducerId, p.Epoch, p.LastSequence)).ToList());

        Assert.Empty((await Segments.ActiveProducersAsync("producers", 1, TestContext.Current.CancellationToken))!);
        Assert.Empty(await DescribedByTheBrokerAsync(1));
        Assert.Null(await Segments.ActiveProducersAsync("producers", 7, TestContext.Current.CancellationToken)); // no such partition
    }

    [Fact]
    public async Task AProducerSilentForLongerThanTheExpirationIsNoLongerActive()
    {
        await Clients.CreateTopicAsync(Bootstrap, "producers", 1);
        await ProduceAsync(c => c.EnableIdempotence = true, 0, 3, timestamp: DateTime.UtcNow.AddDays(-2));
        await ProduceAsync(c => c.EnableIdempotence = true, 0, 3);
        var active = await Segments.ActiveProducersAsync("producers", 0, TestContext.Current.CancellationToken);
        var producer = Assert.Single(active!);
        Assert.Equal(5, producer.LastOffset);
    }
}
