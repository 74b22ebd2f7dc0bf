using System.Text;
using Confluent.Kafka;
using ApiKey = ControlCenter.Broker.Protocol.ApiKey;
using BrokerError = ControlCenter.Broker.Protocol.ErrorCode;
using ControlCenter.Broker.Protocol.Messages;

namespace ControlCenter.Broker.Tests.Transactions;

/// <summary>Transactions through Confluent.Kafka's transactional producer and read_committed consumers, and kcat.</summary>
public sealed class TransactionTests : IAsyncLifetime
{
    private TestBroker _broker = null!;
    private string B => _broker.BootstrapServers;

    public async ValueTask InitializeAsync()
    {
        _broker = await TestBroker.StartAsync();
        await Clients.CreateTopicAsync(B, "tx");
    }

    public async ValueTask DisposeAsync() => await _broker.DisposeAsync();

    private IProducer<byte[]?, byte[]?> Transactional(string id, int timeoutMs = 60_000) => Clients.Producer(B, c =>
    {
        c.TransactionalId = id;
        c.TransactionTimeoutMs = timeoutMs;
        c.MessageTimeoutMs = Math.Min(timeoutMs, 30_000);
    });

    private static void Send(IProducer<byte[]?, byte[]?> producer, string topic, params string[] values)
    {
        foreach (var v in values) producer.Produce(topic, new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes(v) });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Every value a reader with the given isolation finds in partition 0, up to where it reports the end.</summary>
    private List<string> Read(string topic, IsolationLevel isolation, string group = "")
    {
        using var consumer = Clients.Consumer(B, "reader-" + Guid.NewGuid().ToString("N"), c => { c.IsolationLevel = isolation; c.EnablePartitionEof = true; });
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var values = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (r is null) continue;
            if (r.IsPartitionEOF) return values;
            values.Add(Encoding.UTF8.GetString(r.Message.Value!));
        }
        throw new TimeoutException($"No end of partition reached; read {values.Count}");
    }

    [Fact]
    public void ReadCommittedSeesOnlyCommittedTransactionsAndReadUncommittedSeesEverything()
    {
        using (var producer = Transactional("tx-commit-abort"))
        {
            producer.InitTransactions(TimeSpan.FromSeconds(30));
            producer.BeginTransaction();
            Send(producer, "tx", "c1", "c2", "c3");
            producer.CommitTransaction(TimeSpan.FromSeconds(30));
            producer.BeginTransaction();
            Send(producer, "tx", "a1", "a2", "a3");
            producer.AbortTransaction(TimeSpan.FromSeconds(30));
            producer.BeginTransaction();
            Send(producer, "tx", "c4", "c5");
            producer.CommitTransaction(TimeSpan.FromSeconds(30));
        }
        Assert.Equal(["c1", "c2", "c3", "c4", "c5"], Read("tx", IsolationLevel.ReadCommitted));
        Assert.Equal(["c1", "c2", "c3", "a1", "a2", "a3", "c4", "c5"], Read("tx", IsolationLevel.ReadUncommitted));
        // Three markers are in the log too: 8 records + 3 control records.
        var log = _broker.Broker.LogEndOffset("tx", 0);
        Assert.Equal(11, log);
    }

    [Fact]
    public void AnOpenTransactionHoldsReadCommittedReadersBackUntilItCommits()
    {
        using var producer = Transactional("tx-open");
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        producer.BeginTransaction();
        Send(producer, "tx", "o1", "o2");
        Assert.Empty(Read("tx", IsolationLevel.ReadCommitted)); // the last stable offset is still 0
        Assert.Equal(["o1", "o2"], Read("tx", IsolationLevel.ReadUncommitted));
        producer.CommitTransaction(TimeSpan.FromSeconds(30));
        Assert.Equal(["o1", "o2"], Read("tx", IsolationLevel.ReadCommitted));
    }

    [Fact]
    public async Task ListTransactionsAndDescribeTransactionsShowAnOpenTransactionAndItsPartitions()
    {
        using var producer = Transactional("tx-listed");
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        producer.BeginTransaction();
        Send(producer, "tx", "x");

        var listed = await RawKafkaClient.SendDefinedAsync(B, ApiKey.ListTransactions, 1, new StructValue
        {
            ["StateFilters"] = StructValue.List<string>(["Ongoing", "Bogus"]), ["ProducerIdFilters"] = StructValue.List<long>([]), ["DurationFilter"] = -1L,
        });
        Assert.Equal(["Bogus"], listed.Array<string>("UnknownStateFilters")!);
        var entry = Assert.Single(listed.Structs("TransactionStates")!);
        Assert.Equal(("tx-listed", "Ongoing"), (entry.String("TransactionalId"), entry.String("TransactionState")));

        var described = await RawKafkaClient.SendDefinedAsync(B, ApiKey.DescribeTransactions, 0, new StructValue { ["TransactionalIds"] = StructValue.List<string>(["tx-listed", "nobody"]) });
        var states = described.Structs("TransactionStates")!;
        Assert.Equal(("Ongoing", entry.Int64("ProducerId")), (states[0].String("TransactionState"), states[0].Int64("ProducerId")));
        var partitions = Assert.Single(states[0].Structs("TopicPartitions")!);
        Assert.Equal(("tx", 0), (partitions.String("Name"), Assert.Single(partitions.Array<int>("PartitionIndexes")!)));
        Assert.Equal((short)BrokerError.TransactionalIdNotFound, states[1].Int16("ErrorCode"));

        // DescribeProducers names where the producer's open transaction starts in the partition.
        var producers = await RawKafkaClient.SendDefinedAsync(B, ApiKey.DescribeProducers, 0, new StructValue
        {
            ["Topics"] = StructValue.List([new StructValue { ["Name"] = "tx", ["PartitionIndexes"] = StructValue.List<int>([0]) }]),
        });
        var active = Assert.Single(Assert.Single(Assert.Single(producers.Structs("Topics")!).Structs("Partitions")!).Structs("ActiveProducers")!);
        Assert.Equal((entry.Int64("ProducerId"), 0L), (active.Int64("ProducerId"), active.Int64("CurrentTxnStartOffset")));

        producer.CommitTransaction(TimeSpan.FromSeconds(30));
        var after = await RawKafkaClient.SendDefinedAsync(B, ApiKey.ListTransactions, 0, new StructValue
        {
            ["StateFilters"] = StructValue.List<string>(["Ongoing"]), ["ProducerIdFilters"] = StructValue.List<long>([]),
        });
        Assert.Empty(after.Structs("TransactionStates")!);
    }

    [Fact]
    public void ANewInstanceOfATransactionalIdFencesTheOldOneAndAbortsWhatItLeftOpen()
    {
        using var zombie = Transactional("tx-zombie");
        zombie.InitTransactions(TimeSpan.FromSeconds(30));
        zombie.BeginTransaction();
        Send(zombie, "tx", "z1", "z2");

        using var successor = Transactional("tx-zombie");
        successor.InitTransactions(TimeSpan.FromSeconds(30));
        var fenced = Assert.ThrowsAny<KafkaException>(() => zombie.CommitTransaction(TimeSpan.FromSeconds(30)));
        Assert.True(fenced.Error.IsFatal || fenced.Error.Code is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch, fenced.Error.ToString());

        successor.BeginTransaction();
        Send(successor, "tx", "s1");
        successor.CommitTransaction(TimeSpan.FromSeconds(30));
        Assert.Equal(["s1"], Read("tx", IsolationLevel.ReadCommitted));
    }

    [Fact]
    public async Task ATransactionLeftOpenPastItsTimeoutIsAbortedAndTheStableOffsetMovesOn()
    {
        using (var crashed = Transactional("tx-crash", timeoutMs: 2000))
        {
            crashed.InitTransactions(TimeSpan.FromSeconds(30));
            crashed.BeginTransaction();
            Send(crashed, "tx", "lost1", "lost2");
        } // gone without commit or abort: only the coordinator's timeout ends it
        await Wait.UntilAsync(() => _broker.Broker.LastStableOffset("tx", 0) == 3, "the abort marker to move the last stable offset past the open transaction", cancellation: TestContext.Current.CancellationToken);
        Assert.Empty(Read("tx", IsolationLevel.ReadCommitted));
        Assert.Equal(["lost1", "lost2"], Read("tx", IsolationLevel.ReadUncommitted));
    }

    [Fact]
    public async Task ATransactionOpenAcrossARestartStillHoldsTheStableOffsetUntilItsTimeoutAbortsIt()
    {
        await Clients.CreateTopicAsync(B, "tx-restart-open");
        using (var producer = Transactional("tx-restart-open", timeoutMs: 3000))
        {
            producer.InitTransactions(TimeSpan.FromSeconds(30));
            producer.BeginTransaction();
            Send(producer, "tx-restart-open", "before-restart");
        }
        await _broker.RestartAsync();
        // Rebuilt from the log (the open transaction's first batch) and from __transaction_state (its start time and timeout).
        Assert.Equal(0, _broker.Broker.LastStableOffset("tx-restart-open", 0));
        await Wait.UntilAsync(() => _broker.Broker.LastStableOffset("tx-restart-open", 0) == 2, "the restarted coordinator to abort the timed-out transaction",
            cancellation: TestContext.Current.CancellationToken);
        Assert.Empty(Read("tx-restart-open", IsolationLevel.ReadCommitted));
    }

    [Fact]
    public async Task AbortedRecordsStayHiddenAndTheCoordinatorRemembersItsProducersAfterARestart()
    {
        using (var producer = Transactional("tx-restart"))
        {
            producer.InitTransactions(TimeSpan.FromSeconds(30));
            producer.BeginTransaction();
            Send(producer, "tx", "a1");
            producer.AbortTransaction(TimeSpan.FromSeconds(30));
            producer.BeginTransaction();
            Send(producer, "tx", "c1");
            producer.CommitTransaction(TimeSpan.FromSeconds(30));
        }
        await _broker.RestartAsync();
        Assert.Equal(["c1"], Read("tx", IsolationLevel.ReadCommitted));
        Assert.Single(Directory.GetFiles(Path.Combine(_broker.DataDir, "tx-0"), "*.txnindex"));

        using var again = Transactional("tx-restart");
        again.InitTransactions(TimeSpan.FromSeconds(30));
        again.BeginTransaction();
        Send(again, "tx", "c2");
        again.CommitTransaction(TimeSpan.FromSeconds(30));
        Assert.Equal(["c1", "c2"], Read("tx", IsolationLevel.ReadCommitted));
    }

    [Fact]
    public async Task CompactionRemovesAbortedRecordsSoTheyNeverShadowACommittedValue()
    {
        await Clients.CreateTopicAsync(B, "tx-compact", configs: new() { ["cleanup.policy"] = "compact" });
        using (var producer = Transactional("tx-compact"))
        {
            producer.InitTransactions(TimeSpan.FromSeconds(30));
            foreach (var (value, commit) in new[] { ("committed", true), ("aborted", false) })
            {
                producer.BeginTransaction();
                producer.Produce("tx-compact", new Message<byte[]?, byte[]?> { Key = "k"u8.ToArray(), Value = Encoding.UTF8.GetBytes(value) });
                Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
                if (commit) producer.CommitTransaction(TimeSpan.FromSeconds(30));
                else producer.AbortTransaction(TimeSpan.FromSeconds(30));
            }
        }
        _broker.Broker.Roll("tx-compact", 0); // the cleaner never touches the active segment
        _broker.Broker.RunCleanerNow(force: true);
        // The aborted write was newer but never counted: the committed value is what survives, for either reader.
        Assert.Equal(["committed"], Read("tx-compact", IsolationLevel.ReadCommitted));
        Assert.Equal(["committed"], Read("tx-compact", IsolationLevel.ReadUncommitted));
    }

    [Fact]
    public async Task KcatWithReadCommittedSkipsAbortedRecords()
    {
        using (var producer = Transactional("tx-kcat"))
        {
            producer.InitTransactions(TimeSpan.FromSeconds(30));
            producer.BeginTransaction();
            Send(producer, "tx", "kept");
            producer.CommitTransaction(TimeSpan.FromSeconds(30));
            producer.BeginTransaction();
            Send(producer, "tx", "dropped");
            producer.AbortTransaction(TimeSpan.FromSeconds(30));
        }
        var committed = await Kcat.RunAsync($"-b {B} -C -t tx -e -q -X isolation.level=read_committed -f %s\\n");
        Assert.Equal(0, committed.ExitCode);
        Assert.Equal(["kept"], committed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var all = await Kcat.RunAsync($"-b {B} -C -t tx -e -q -X isolation.level=read_uncommitted -f %s\\n");
        Assert.Equal(["kept", "dropped"], all.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task OffsetsSentToATransactionAreCommittedWithItAndDroppedWhenItAborts()
    {
        await Clients.CreateTopicAsync(B, "tx-in");
        using (var p = Clients.Producer(B)) Send(p, "tx-in", "i1", "i2", "i3", "i4");
        using var consumer = Clients.Consumer(B, "eos", c => c.IsolationLevel = IsolationLevel.ReadCommitted);
        consumer.Assign(new TopicPartitionOffset("tx-in", 0, Offset.Beginning));
        using var producer = Transactional("tx-eos");
        producer.InitTransactions(TimeSpan.FromSeconds(30));

        void Process(int count, bool commit)
        {
            producer.BeginTransaction();
            ConsumeResult<byte[]?, byte[]?>? last = null;
            for (int i = 0; i < count; i++)
            {
                last = consumer.Consume(TimeSpan.FromSeconds(30)) ?? throw new TimeoutException("no input record");
                Send(producer, "tx", "out-" + Encoding.UTF8.GetString(last.Message.Value!));
            }
            producer.SendOffsetsToTransaction([new TopicPartitionOffset("tx-in", 0, last!.Offset + 1)], consumer.ConsumerGroupMetadata, TimeSpan.FromSeconds(30));
            if (commit) producer.CommitTransaction(TimeSpan.FromSeconds(30));
            else producer.AbortTransaction(TimeSpan.FromSeconds(30));
        }

        Process(2, commit: true);
        Assert.Equal(2, Committed());
        Process(2, commit: false);
        Assert.Equal(2, Committed()); // the aborted transaction's offsets never became the group's
        Assert.Equal(["out-i1", "out-i2"], Read("tx", IsolationLevel.ReadCommitted));

        await _broker.RestartAsync();
        Assert.Equal(2, Committed()); // replayed from __consumer_offsets: pending offsets of the aborted transaction stay dropped

        long Committed()
        {
            using var admin = Clients.Admin(B);
            var offsets = admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions("eos", [new TopicPartition("tx-in", 0)])])
                .GetAwaiter().GetResult();
            return offsets[0].Partitions[0].Offset.Value;
        }
    }
}
