using ControlCenter.Kafka.Cluster;
using Confluent.Kafka;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ControlCenter.E2E;

/// <summary>The whole life of a topic through the UI, each step checked on the page.</summary>
public class TopicsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static ILocator Input(IPage page, string testId) => Ui.Input(page, testId);

    [Fact]
    public async Task CreateFindEditGrowPurgeAndDeleteATopic()
    {
        var page = await fixture.Browser.OpenConnectedAsync(fixture.App.BaseUrl + "/topics");
        await page.GetByTestId("create-topic").ClickAsync();
        await Ui.WaitForUrlAsync(page, "**/topics/create");
        await Ui.FillAsync(page, "topic-name", "e2e-orders");
        await Ui.FillAsync(page, "topic-partitions", "2");
        await page.GetByTestId("validate-topic").ClickAsync();
        await Expect(page.GetByTestId("validated")).ToBeVisibleAsync();
        await page.GetByTestId("submit-topic").ClickAsync();
        await Ui.WaitForUrlAsync(page, "**/topics/e2e-orders");
        await Expect(page.GetByTestId("topic-partition-count")).ToContainTextAsync("2");

        // Records produced by a real client show up in the counts.
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = await fixture.App.BootstrapServersAsync() }).Build())
            for (int i = 0; i < 30; i++) await producer.ProduceAsync(new TopicPartition("e2e-orders", i % 2), new Message<Null, string> { Value = $"order {i}" }, TestContext.Current.CancellationToken);
        await Expect(page.GetByTestId("topic-records")).ToContainTextAsync("30");

        // Find it with search on the list.
        await page.GetByTestId("nav-topics").ClickAsync();
        await Ui.FillAsync(page, "topic-search", "e2e-ord");
        var grid = page.GetByTestId("topic-grid");
        await Expect(grid.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(grid).ToContainTextAsync("e2e-orders");
        await grid.Locator("a.topic-link", new() { HasText = "e2e-orders" }).ClickAsync();
        await Ui.WaitForUrlAsync(page, "**/topics/e2e-orders");

        // Edit a config: retention.ms to one hour.
        await Ui.OpenTabAsync(page, "Configuration");
        var row = page.GetByTestId("topic-config-table").Locator("tr", new() { Has = page.Locator("[data-config='retention.ms']") });
        await row.GetByTestId("config-edit").ClickAsync();
        await Ui.FillAsync(page, "config-edit-value", "3600000");
        await page.GetByTestId("config-save").ClickAsync();
        await Expect(row).ToContainTextAsync("3600000");
        await Expect(row).ToContainTextAsync("1 h");
        await Expect(row).ToContainTextAsync("topic");
        // A list Kafka would refuse is refused as typed, with Kafka's reason, and nothing is sent.
        var policy = page.GetByTestId("topic-config-table").Locator("tr", new() { Has = page.Locator("[data-config='cleanup.policy']") });
        await policy.GetByTestId("config-edit").ClickAsync();
        await Ui.FillAsync(page, "config-edit-value", "compact,,delete");
        await Expect(policy).ToContainTextAsync("empty item");
        await Expect(page.GetByTestId("config-save")).ToBeDisabledAsync();
        await Ui.Input(page, "config-edit-value").PressAsync("Escape");
        await Expect(policy).ToContainTextAsync("delete");
        await Expect(policy).Not.ToContainTextAsync("compact");
        await Ui.OpenTabAsync(page, "Overview");
        await Expect(page.GetByTestId("topic-overridden-configs")).ToContainTextAsync("retention.ms");

        // Add partitions: 2 → 4, with the key-mapping warning shown.
        await Ui.ChooseFromMenuAsync(page, "topic-actions", "action-add-partitions");
        await Expect(page.GetByTestId("add-partitions-dialog")).ToContainTextAsync("hash(key) mod partitions");
        await Expect(Ui.Input(page, "new-partition-count")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape"); // Esc closes it, nothing changes
        await Expect(page.GetByTestId("add-partitions-dialog")).ToHaveCountAsync(0);
        await Ui.ChooseFromMenuAsync(page, "topic-actions", "action-add-partitions");
        await Ui.Input(page, "new-partition-count").FillAsync("4");
        await Ui.Input(page, "new-partition-count").PressAsync("Enter"); // Enter confirms
        await Expect(page.GetByTestId("topic-partition-count")).ToContainTextAsync("4");
        await Ui.OpenTabAsync(page, "Partitions");
        await Expect(page.GetByTestId("partitions-table").Locator("tbody tr")).ToHaveCountAsync(4);

        // Purge all partitions.
        await Ui.ChooseFromMenuAsync(page, "topic-actions", "action-purge");
        await Expect(page.GetByTestId("purge-dialog")).ToContainTextAsync("30 records in 4 partition(s)");
        await page.GetByTestId("purge-confirm").ClickAsync();
        await Ui.OpenTabAsync(page, "Overview");
        await Expect(page.GetByTestId("topic-records")).ToContainTextAsync("0");

        // Delete: the button stays disabled until the name is typed.
        await Ui.ChooseFromMenuAsync(page, "topic-actions", "action-delete");
        await Expect(page.GetByTestId("delete-confirm")).ToBeDisabledAsync();
        await Ui.Input(page, "delete-confirm-name").FillAsync("e2e-order");
        await Ui.Input(page, "delete-confirm-name").PressAsync("Enter"); // not the name yet: nothing happens
        await Expect(page.GetByTestId("delete-confirm")).ToBeDisabledAsync();
        await Ui.Input(page, "delete-confirm-name").FillAsync("e2e-orders");
        await Ui.Input(page, "delete-confirm-name").PressAsync("Enter");
        await Ui.WaitForUrlAsync(page, "**/topics");
        await Ui.FillAsync(page, "topic-search", "e2e-ord");
        await Expect(page.GetByTestId("topic-grid")).ToContainTextAsync("No topic matches");

        // Each change left its audit entry (no sign-in here: by "anonymous"), written before the page showed it done.
        using var audit = new ControlCenter.Access.Audit.AuditLog(Microsoft.Extensions.Options.Options.Create(
            new ControlCenter.Access.Audit.AuditOptions { Directory = fixture.App.DataDir + "-audit" }), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ControlCenter.Access.Audit.AuditLog>.Instance);
        var trail = audit.All(new(Target: "topic:e2e-orders")).Where(e => e.Target == "topic:e2e-orders").Select(e => $"{e.User} {e.Action} {e.Result} {e.Parameters}").ToList();
        Assert.Contains(trail, t => t.StartsWith("anonymous topic:create ok partitions=2"));
        Assert.Contains(trail, t => t.StartsWith("anonymous topic:edit ok retention.ms:"));
        Assert.Contains(trail, t => t.StartsWith("anonymous topic:edit ok add partitions: 2 → 4"));
        Assert.Contains(trail, t => t.StartsWith("anonymous topic:delete ok purge records of partitions 0,1,2,3"));
        Assert.Equal("anonymous topic:delete ok ", trail[^1]);
    }

    [Fact]
    public async Task InvalidFormIsRefusedWithoutSendingAnything()
    {
        var page = await fixture.Browser.OpenConnectedAsync(fixture.App.BaseUrl + "/topics/create");
        await Ui.FillAsync(page, "topic-name", "bad name!");
        await Ui.FillAsync(page, "topic-rf", "3");
        await page.GetByTestId("submit-topic").ClickAsync();
        await Expect(page.GetByTestId("form-errors")).ToBeVisibleAsync();
        await Expect(page.Locator("body")).ToContainTextAsync("illegal");
        await Expect(page.Locator("body")).ToContainTextAsync("more than the 1 broker(s)");
        Assert.EndsWith("/topics/create", page.Url);
    }

    [Fact]
    public async Task ThePartitionsTabListsAnIdempotentProducer()
    {
        string bootstrap = await fixture.App.BootstrapServersAsync();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
            await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = "idempotent-e2e", NumPartitions = 1, ReplicationFactor = 1 }]).OffPollThread();
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrap, EnableIdempotence = true }).Build())
            for (int i = 0; i < 5; i++) await producer.ProduceAsync("idempotent-e2e", new Message<Null, string> { Value = $"m{i}" }, TestContext.Current.CancellationToken);

        var page = await fixture.Browser.OpenConnectedAsync(fixture.App.BaseUrl + "/topics/idempotent-e2e");
        await Ui.OpenTabAsync(page, "Partitions");
        await page.GetByTestId("show-producers").ClickAsync();
        await Expect(page.GetByTestId("producer-row")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("producer-sequence")).ToHaveTextAsync("4");
        await Expect(page.GetByTestId("producer-epoch")).ToHaveTextAsync("0");
    }
}
