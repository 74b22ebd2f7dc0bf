using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Cluster;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ControlCenter.E2E;

/// <summary>Transactions in the browser: the Transactions page, the LSO on the Partitions tab, and marked records in Messages.</summary>
public class TransactionsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static async Task GotoAsync(IPage page, string url)
    {
        await page.GotoAsync(url);
        await ControlCenter.Testing.Browser.WaitInteractiveAsync(page);
    }

    [Fact]
    public async Task AnOpenTransactionIsListedHoldsTheLsoBackAndItsAbortedRecordsAreMarked()
    {
        string bootstrap = await fixture.App.BootstrapServersAsync();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "e2e-tx", NumPartitions = 1, ReplicationFactor = 1 }]).OffPollThread();
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrap, TransactionalId = "e2e-tx-writer" }).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        void Send(params string[] values)
        {
            foreach (var v in values) producer.Produce("e2e-tx", new Message<Null, string> { Value = v });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }
        producer.BeginTransaction();
        Send("rolled back");
        producer.AbortTransaction(TimeSpan.FromSeconds(30));
        producer.BeginTransaction();
        Send("pending 1", "pending 2");

        var page = await fixture.Browser.OpenConnectedAsync(fixture.App.BaseUrl + "/transactions");
        var row = page.GetByTestId("transaction-row").Filter(new() { HasText = "e2e-tx-writer" });
        await Expect(row.GetByTestId("txn-state")).ToHaveTextAsync("Ongoing");
        await Expect(row.GetByTestId("txn-partitions")).ToHaveTextAsync("e2e-tx-0");
        await Expect(row.GetByTestId("txn-blocks")).ToContainTextAsync("e2e-tx-0: LSO 2, high watermark 4");

        // The Partitions tab shows the LSO held back below the high watermark.
        await GotoAsync(page, fixture.App.BaseUrl + "/topics/e2e-tx?tab=partitions");
        await Expect(page.GetByTestId("partition-lso").First).ToHaveTextAsync("2");

        // Messages, read_uncommitted: the aborted record and the open ones are marked, the markers named.
        await GotoAsync(page, fixture.App.BaseUrl + "/topics/e2e-tx?tab=messages&start=oldest");
        var table = page.GetByTestId("message-table");
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(3);
        await Expect(table.Locator("tr", new() { HasText = "rolled back" }).GetByTestId("message-txn-mark")).ToHaveTextAsync("aborted");
        await Expect(table.Locator("tr", new() { HasText = "pending 1" }).GetByTestId("message-txn-mark")).ToHaveTextAsync("not yet committed");
        await Expect(page.GetByTestId("transaction-markers")).ToContainTextAsync("0@1");
        // read_committed: neither is there until the transaction commits.
        await page.GetByTestId("browse-read-committed").ClickAsync();
        await Expect(table).ToContainTextAsync("No records in this range.");

        producer.CommitTransaction(TimeSpan.FromSeconds(30));
        await page.GetByTestId("browse-load").ClickAsync();
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(table).ToContainTextAsync("pending 2");
        await Expect(table).Not.ToContainTextAsync("rolled back");

        await GotoAsync(page, fixture.App.BaseUrl + "/transactions");
        await Expect(row.GetByTestId("txn-state")).ToHaveTextAsync("CompleteCommit");
        await Expect(row.GetByTestId("txn-blocks")).ToBeEmptyAsync();
    }

    [Fact]
    public async Task TheCommitStrategyLabShowsWhatACrashCostsEachStrategySideBySide()
    {
        var page = await fixture.Browser.OpenConnectedAsync(fixture.App.BaseUrl + "/groups");
        await page.GetByTestId("open-commit-lab").ClickAsync();
        await Ui.WaitForUrlAsync(page, "**/labs/commit-strategies");
        await Ui.FillAsync(page, "commit-lab-records", "40");
        await Ui.FillAsync(page, "commit-lab-batch", "10");
        await Ui.FillAsync(page, "commit-lab-crash-at", "25");
        var results = page.GetByTestId("commit-lab-results");
        ILocator Row(string strategy) => results.Locator($"[data-strategy='{strategy}']");

        // A crash after receiving: at most once had committed the batch on receipt and loses it.
        await page.GetByTestId("commit-lab-crash").GetByText("Crash after receiving").ClickAsync();
        await page.GetByTestId("commit-lab-run").ClickAsync();
        await Expect(Row("exactly-once")).ToBeVisibleAsync(new() { Timeout = 120_000 });
        await Expect(Row("at-most-once").GetByTestId("commit-lab-lost")).ToHaveTextAsync("10");
        await Expect(Row("at-least-once").GetByTestId("commit-lab-lost")).ToHaveTextAsync("0");
        await Expect(Row("exactly-once").GetByTestId("commit-lab-lost")).ToHaveTextAsync("0");

        // A crash after processing: at least once processes the batch again; exactly once still neither loses nor repeats.
        await page.GetByTestId("commit-lab-crash").GetByText("Crash after processing").ClickAsync();
        await page.GetByTestId("commit-lab-run").ClickAsync();
        // The first run's table goes when this one starts; its steps say when its last strategy got this far.
        await Expect(page.GetByTestId("commit-lab-steps")).ToContainTextAsync("exactly-once: Crashed after processing records 20–29", new() { Timeout = 120_000 });
        await Expect(Row("exactly-once")).ToBeVisibleAsync(new() { Timeout = 120_000 });
        await Expect(Row("at-least-once").GetByTestId("commit-lab-twice")).ToHaveTextAsync("10");
        await Expect(Row("at-most-once").GetByTestId("commit-lab-twice")).ToHaveTextAsync("0");
        await Expect(Row("exactly-once").GetByTestId("commit-lab-twice")).ToHaveTextAsync("0");
        await Expect(Row("exactly-once").GetByTestId("commit-lab-lost")).ToHaveTextAsync("0");
    }
}
