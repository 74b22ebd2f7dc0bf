using System.Text;
using Confluent.Kafka;
using ControlCenter.Kafka.Messages;

namespace ControlCenter.Kafka.Tests.Transactions;

/// <summary>The Messages tab over transactional data: read_committed hides aborted and open records; read_uncommitted shows them, marked.</summary>
public sealed class TransactionalBrowseTests : ClusterTest
{
    [Fact]
    public async Task AbortedAndOpenRecordsAreMarkedAndMarkersNamedAndReadCommittedLeavesThemOut()
    {
        await Clients.CreateTopicAsync(Bootstrap, "payments");
        using var producer = Clients.Producer(Bootstrap, c => c.TransactionalId = "payments-writer");
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        void Send(params string[] values)
        {
            foreach (var v in values) producer.Produce("payments", new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes(v) });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }
        producer.BeginTransaction();
        Send("c0", "c1");                // offsets 0-1, COMMIT marker at 2
        producer.CommitTransaction(TimeSpan.FromSeconds(30));
        producer.BeginTransaction();
        Send("a3", "a4");                // offsets 3-4, ABORT marker at 5
        producer.AbortTransaction(TimeSpan.FromSeconds(30));
        producer.BeginTransaction();
        Send("o6");                      // offset 6, still open

        var browser = Host.Get<MessageBrowser>();
        var all = await browser.FirstPageAsync("payments", [0], BrowseStart.Oldest, 50);
        Assert.Equal(["c0", "c1", "a3", "a4", "o6"], all.Records.Select(r => Encoding.UTF8.GetString(r.Value!)));
        var marks = all.Marks!;
        Assert.Equal([null, null, "aborted", "aborted", "not yet committed"], all.Records.Select(marks.Of));
        Assert.Equal([(0, 2L), (0, 5L)], marks.Markers);

        // The segment's .txnindex, as the Segments drill-down shows it: the aborted transaction's records and its marker.
        var txnIndex = (await Host.Get<ControlCenter.Kafka.Segments.SegmentService>().ReadTxnIndexAsync("payments", 0, 0, 0, 10, Cancellation))!;
        var aborted = Assert.Single(txnIndex.Entries);
        Assert.Equal((3L, 5L), (aborted.FirstOffset, aborted.LastOffset));

        var committed = await browser.FirstPageAsync("payments", [0], BrowseStart.Oldest, 50, readCommitted: true);
        Assert.Equal(["c0", "c1"], committed.Records.Select(r => Encoding.UTF8.GetString(r.Value!)));
        Assert.Null(committed.Marks);

        producer.CommitTransaction(TimeSpan.FromSeconds(30));
        var after = await browser.FirstPageAsync("payments", [0], BrowseStart.Oldest, 50, readCommitted: true);
        Assert.Equal(["c0", "c1", "o6"], after.Records.Select(r => Encoding.UTF8.GetString(r.Value!)));

        // A topic without transactions gets no marks and costs no second read.
        await Clients.CreateTopicAsync(Bootstrap, "plain");
        using (var plain = Clients.Producer(Bootstrap))
        {
            plain.Produce("plain", new Message<byte[]?, byte[]?> { Value = [1] });
            plain.Flush(TimeSpan.FromSeconds(30));
        }
        Assert.Same(TransactionMarks.None, (await browser.FirstPageAsync("plain", [0], BrowseStart.Oldest, 50)).Marks);
    }
}
