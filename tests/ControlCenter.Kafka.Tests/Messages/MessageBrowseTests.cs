using System.Text;
using Confluent.Kafka;
using ControlCenter.Kafka.Messages;

namespace ControlCenter.Kafka.Tests.Messages;

/// <summary>Browse seek modes, paging, downloads and the produce form against the embedded broker.</summary>
public class MessageBrowseTests : ClusterTest
{
    private static readonly DateTime Start = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
    private MessageBrowser Browser => Host.Get<MessageBrowser>();
    private MessageProducer Producer => Host.Get<MessageProducer>();

    /// <summary>counts[p] records in partition p; record n of a partition has value "p{p}-{n}" and timestamp Start + n seconds.</summary>
    private async Task ProduceAsync(string topic, params int[] counts)
    {
        await Clients.CreateTopicAsync(Bootstrap, topic, counts.Length);
        using var producer = Clients.Producer(Bootstrap);
        for (int p = 0; p < counts.Length; p++)
            for (int n = 0; n < counts[p]; n++)
                producer.Produce(new TopicPartition(topic, p), new Message<byte[]?, byte[]?>
                {
                    Value = Encoding.UTF8.GetBytes($"p{p}-{n}"), Timestamp = new Timestamp(Start.AddSeconds(n)),
                });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    private static List<string> Values(BrowsePage page) => page.Records.Select(r => Encoding.UTF8.GetString(r.Value!)).ToList();
    private static List<string> Expected(int partition, int from, int to) => Enumerable.Range(from, to - from).Select(n => $"p{partition}-{n}").ToList();

    [Fact]
    public async Task FromAnOffsetThenPageForwardAndBackWithoutLosingPosition()
    {
        await ProduceAsync("paged", 50);
        var page = await Browser.FirstPageAsync("paged", [0], BrowseStart.Offset, 10, offset: 20);
        Assert.Equal(Expected(0, 20, 30), Values(page));
        Assert.Equal(Enumerable.Range(20, 10).Select(o => (long)o), page.Records.Select(r => r.Offset));
        Assert.Equal("CreateTime", page.Records[0].TimestampType);
        Assert.Equal(Start.AddSeconds(20), page.Records[0].Timestamp!.Value.UtcDateTime);
        Assert.True(page.HasOlder && page.HasNewer);

        var newer = await Browser.NewerAsync("paged", page, 10);
        Assert.Equal(Expected(0, 30, 40), Values(newer));
        var back = await Browser.OlderAsync("paged", newer, 10);
        Assert.Equal(Expected(0, 20, 30), Values(back));
        var older = await Browser.OlderAsync("paged", back, 10);
        Assert.Equal(Expected(0, 10, 20), Values(older));
        var oldest = await Browser.OlderAsync("paged", older, 10);
        Assert.Equal(Expected(0, 0, 10), Values(oldest));
        Assert.False(oldest.HasOlder);

        var last = await Browser.FirstPageAsync("paged", [0], BrowseStart.Offset, 10, offset: 45);
        Assert.Equal(Expected(0, 45, 50), Values(last));
        Assert.False(last.HasNewer);
        var beyond = await Browser.FirstPageAsync("paged", [0], BrowseStart.Offset, 10, offset: 5000);
        Assert.Empty(beyond.Records);
    }

    [Fact]
    public async Task FromATimestampBetweenRecordsStartsAtTheNextRecord()
    {
        await ProduceAsync("timed", 30, 30);
        var page = await Browser.FirstPageAsync("timed", [0, 1], BrowseStart.Timestamp, 4, timestamp: Start.AddSeconds(20.5));
        // Offsets-for-times gives offset 21 in both partitions; the merged page (4 records) is ordered by time.
        Assert.Equal(["p0-21", "p1-21", "p0-22", "p1-22"], Values(page));
        Assert.Equal(["p0-23", "p1-23", "p0-24", "p1-24"], Values(await Browser.NewerAsync("timed", page, 4)));
        Assert.All(page.Records, r => Assert.True(r.Timestamp >= Start.AddSeconds(21)));

        var afterAll = await Browser.FirstPageAsync("timed", [0], BrowseStart.Timestamp, 4, timestamp: Start.AddHours(1));
        Assert.Empty(afterAll.Records);
    }

    [Fact]
    public async Task NewestNIsTheLastNOfEveryPartitionAndOldestStartsAtTheLogStart()
    {
        await ProduceAsync("spread", 10, 5, 2, 0);
        var newest = await Browser.FirstPageAsync("spread", [0, 1, 2, 3], BrowseStart.Newest, 3);
        var byPartition = newest.Records.GroupBy(r => r.Partition).ToDictionary(g => g.Key, g => g.Select(r => Encoding.UTF8.GetString(r.Value!)).Order().ToList());
        Assert.Equal(Expected(0, 7, 10), byPartition[0]);
        Assert.Equal(Expected(1, 2, 5), byPartition[1]);
        Assert.Equal(Expected(2, 0, 2), byPartition[2]);
        Assert.False(byPartition.ContainsKey(3));
        Assert.Equal(8, newest.Records.Count);

        var oldest = await Browser.FirstPageAsync("spread", [1], BrowseStart.Oldest, 3);
        Assert.Equal(Expected(1, 0, 3), Values(oldest));

        await Host.Get<ControlCenter.Kafka.Topics.ITopicAdmin>().PurgeAsync("spread", [0]);
        var purged = await Browser.FirstPageAsync("spread", [0], BrowseStart.Oldest, 3);
        Assert.Empty(purged.Records);
    }

    [Fact]
    public async Task LiveTailDeliversRecordsProducedAfterItStarts()
    {
        await ProduceAsync("tailed", 5, 5);
        var seen = new System.Collections.Concurrent.ConcurrentQueue<KafkaMessage>();
        var tail = await Browser.TailAsync("tailed", [0, 1], seen.Enqueue, Cancellation);
        Assert.Equal(new Dictionary<int, long> { [0] = 5, [1] = 5 }, tail.From); // it follows from each partition's end
        using (var producer = Clients.Producer(Bootstrap))
        {
            await producer.ProduceAsync(new TopicPartition("tailed", 1), new Message<byte[]?, byte[]?> { Value = "fresh"u8.ToArray() }, Cancellation);
        }
        await Wait.UntilAsync(() => !seen.IsEmpty, "the new record in the tail", cancellation: Cancellation);
        await tail.DisposeAsync();
        var record = Assert.Single(seen);
        Assert.Equal((1, 5L, "fresh"), (record.Partition, record.Offset, Encoding.UTF8.GetString(record.Value!)));
    }

    [Fact]
    public async Task LargeValuesArePreviewedAndDownloadedWhole()
    {
        await Clients.CreateTopicAsync(Bootstrap, "large", 1, new() { ["max.message.bytes"] = "20000000" });
        var big = new byte[10 * 1024 * 1024];
        new Random(7).NextBytes(big);
        using (var producer = Clients.Producer(Bootstrap, c => c.MessageMaxBytes = 20_000_000))
            await producer.ProduceAsync("large", new Message<byte[]?, byte[]?> { Key = "k"u8.ToArray(), Value = big }, TestContext.Current.CancellationToken);

        var page = await Browser.FirstPageAsync("large", [0], BrowseStart.Oldest, 5);
        var record = Assert.Single(page.Records);
        Assert.Equal((KafkaMessage.PreviewLimit, big.Length, true), (record.Value!.Length, record.ValueSize, record.ValueTruncated));
        Assert.Equal(big.AsSpan(0, KafkaMessage.PreviewLimit).ToArray(), record.Value);

        var whole = await Browser.ReadOneAsync("large", 0, 0, previewLimit: int.MaxValue);
        Assert.Equal(big, whole!.Value);
        Assert.Null(await Browser.ReadOneAsync("large", 0, 7));
    }

    [Theory]
    [InlineData(AcksSetting.None)]
    [InlineData(AcksSetting.Leader)]
    [InlineData(AcksSetting.All)]
    public async Task ProducedRecordsLandWhereTheFormReports(AcksSetting acks)
    {
        await Clients.CreateTopicAsync(Bootstrap, "produced", 3);
        var form = new ProduceForm("produced", "order-1", """{"n":1}""", true, [("source", "form")], 2, acks, Count: 3);
        var outcomes = await Producer.ProduceAsync(form, TestContext.Current.CancellationToken);
        Assert.Equal(3, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal((2, (string?)null), (o.Partition!.Value, o.Error)));
        Assert.All(outcomes, o => Assert.True(o.LatencyMs >= 0));
        if (acks == AcksSetting.None) Assert.All(outcomes, o => Assert.Null(o.Offset)); // not acknowledged: the offset is unknown
        else Assert.Equal([0L, 1L, 2L], outcomes.Select(o => o.Offset!.Value).Order());

        var records = Clients.ReadAll(Bootstrap, "produced", 3);
        Assert.Equal(3, records.Count);
        Assert.All(records, r =>
        {
            Assert.Equal(2, r.Partition.Value);
            Assert.Equal(("order-1", """{"n":1}"""), (Encoding.UTF8.GetString(r.Message.Key!), Encoding.UTF8.GetString(r.Message.Value!)));
            Assert.Equal("form", Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes("source")));
        });

        // By key: the partition reported is where the record is.
        var keyed = Assert.Single(await Producer.ProduceAsync(form with { Partition = null, Key = "customer-77", Count = 1, Acks = AcksSetting.All }, TestContext.Current.CancellationToken));
        var read = await Browser.ReadOneAsync("produced", keyed.Partition!.Value, keyed.Offset!.Value);
        Assert.Equal("customer-77", Encoding.UTF8.GetString(read!.Key!));
    }

    [Fact]
    public async Task BadFormsAndClusterErrorsAreReportedAndNothingIsSent()
    {
        await Clients.CreateTopicAsync(Bootstrap, "guarded", 1);
        var form = new ProduceForm("guarded", null, "{not json", true, [], null, AcksSetting.All);
        Assert.Equal("The value is not valid JSON.", MessageProducer.Validate(form));
        await Assert.ThrowsAsync<ArgumentException>(() => Producer.ProduceAsync(form, TestContext.Current.CancellationToken));
        Assert.Equal("Every header needs a name.", MessageProducer.Validate(form with { ValueIsJson = false, Headers = [("", "x")] }));
        Assert.NotNull(MessageProducer.Validate(form with { ValueIsJson = false, Count = 0 }));

        var outcome = Assert.Single(await Producer.ProduceAsync(form with { ValueIsJson = false, Partition = 5 }, TestContext.Current.CancellationToken));
        Assert.NotNull(outcome.Error); // partition 5 does not exist
        Assert.Null(outcome.Offset);
        Assert.Empty(Clients.ReadAll(Bootstrap, "guarded", 1, TimeSpan.FromSeconds(2)));
    }
}
