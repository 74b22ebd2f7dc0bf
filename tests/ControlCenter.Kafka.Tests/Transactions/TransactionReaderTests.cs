using Confluent.Kafka;
using ControlCenter.Kafka.Topics;
using ControlCenter.Kafka.Transactions;
using ControlCenter.LogFormat.Records;

namespace ControlCenter.Kafka.Tests.Transactions;

/// <summary>The Transactions page's reader: __transaction_state as a consumer sees it, and what an open transaction blocks.</summary>
public sealed class TransactionReaderTests : ClusterTest
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Clients.CreateTopicAsync(Bootstrap, "orders", partitions: 2);
    }

    private IProducer<byte[]?, byte[]?> Transactional(string id) => Clients.Producer(Bootstrap, c => { c.TransactionalId = id; c.TransactionTimeoutMs = 30_000; });

    [Fact]
    public async Task AnOpenTransactionIsShownWithThePartitionsItHoldsBackAndItsEndIsShownOnceCommitted()
    {
        Assert.False((await Host.Get<TransactionReader>().ReadAsync(Cancellation)).TopicExists);

        using var producer = Transactional("orders-writer");
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        producer.BeginTransaction();
        for (int i = 0; i < 3; i++) producer.Produce(new TopicPartition("orders", 1), new Message<byte[]?, byte[]?> { Value = [(byte)i] });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));

        var open = Assert.Single((await Host.Get<TransactionReader>().ReadAsync(Cancellation)).Transactions);
        Assert.Equal(("orders-writer", TransactionState.Ongoing), (open.TransactionalId, open.State));
        Assert.Equal([new TopicPartition("orders", 1)], open.Partitions);
        var blocked = Assert.Single(open.Blocking);
        Assert.Equal(("orders", 1, 0L, 3L), (blocked.Topic, blocked.Partition, blocked.LastStableOffset, blocked.HighWatermark));
        var started = open.StartedAt!.Value;
        Assert.False(open.IsHanging(started.AddSeconds(29)));
        Assert.True(open.IsHanging(started.AddSeconds(31))); // past its 30 s timeout
        Assert.Equal(0L, (await Host.Get<ITopicAdmin>().LastStableOffsetsAsync("orders", [1]))[1]);

        producer.CommitTransaction(TimeSpan.FromSeconds(30));
        var done = Assert.Single((await Host.Get<TransactionReader>().ReadAsync(Cancellation)).Transactions);
        Assert.Equal(TransactionState.CompleteCommit, done.State);
        Assert.Empty(done.Blocking);
        Assert.False(done.IsHanging(started.AddHours(1)));
        Assert.Equal(4L, (await Host.Get<ITopicAdmin>().LastStableOffsetsAsync("orders", [1]))[1]); // 3 records and the COMMIT marker
    }
}
