using ControlCenter.Kafka.Cluster;
using Confluent.Kafka;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ControlCenter.E2E;

public class GroupsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task ResetAnEmptyGroupToEarliestAndSeeItsLagGrow()
    {
        string bootstrap = await fixture.App.BootstrapServersAsync();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
            await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = "g-e2e", NumPartitions = 1, ReplicationFactor = 1 }]).OffPollThread();
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build())
            for (int i = 0; i < 50; i++) await producer.ProduceAsync("g-e2e", new Message<Null, string> { Value = $"m{i}" }, TestContext.Current.CancellationToken);
        using (var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "g-e2e-group" }).Build())
            consumer.Commit([new TopicPartitionOffset("g-e2e", 0, 50)]); // caught up, and no member: the group is empty

        var page = await fixture.Browser.OpenConnectedAsync(fixture.App.BaseUrl + "/groups");
        var grid = page.GetByTestId("group-grid");
        await Expect(grid).ToContainTextAsync("g-e2e-group");
        await Expect(grid.Locator("tr", new() { HasText = "g-e2e-group" }).GetByTestId("group-type")).ToHaveTextAsync("classic");
        await grid.Locator("a.group-link", new() { HasText = "g-e2e-group" }).ClickAsync();
        await Ui.WaitForUrlAsync(page, "**/groups/g-e2e-group");
        await Expect(page.GetByTestId("lag-records")).ToHaveTextAsync("0");

        await Ui.OpenTabAsync(page, "Reset offsets");
        await page.GetByTestId("reset-preview").ClickAsync();
        await Expect(page.GetByTestId("reset-row")).ToHaveTextAsync("50 → 0");
        await Expect(page.GetByTestId("reset-summary")).ToContainTextAsync("50 record(s) replayed");
        await page.GetByTestId("reset-apply").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();

        await Expect(page.Locator(".mud-snackbar", new() { HasText = "Offsets of g-e2e-group reset" })).ToBeVisibleAsync();

        // The tab is in the URL: a reload stays on it.
        Assert.EndsWith("/groups/g-e2e-group?tab=reset", page.Url);
        await page.ReloadAsync();
        await ControlCenter.Testing.Browser.WaitInteractiveAsync(page); // a click on the prerendered page would be lost
        await Expect(page.GetByTestId("reset-preview")).ToBeVisibleAsync();

        await Ui.OpenTabAsync(page, "Partitions");
        await Expect(page.GetByTestId("lag-records")).ToHaveTextAsync("50");
        await Expect(page.GetByTestId("lag-time")).Not.ToHaveTextAsync("0 ms");
    }

    [Fact]
    public async Task AConsumerProtocolGroupShowsItsTypeAndEachMembersTargetAssignment()
    {
        string bootstrap = await fixture.App.BootstrapServersAsync();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
            await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = "kip848-e2e", NumPartitions = 3, ReplicationFactor = 1 }]).OffPollThread();
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "kip848-e2e-group", GroupProtocol = GroupProtocol.Consumer,
        }).Build();
        consumer.Subscribe("kip848-e2e");
        await ControlCenter.Testing.Wait.UntilAsync(() => { consumer.Consume(TimeSpan.FromMilliseconds(100)); return consumer.Assignment.Count == 3; },
            "the member to be assigned every partition", cancellation: TestContext.Current.CancellationToken);

        var page = await fixture.Browser.OpenConnectedAsync(fixture.App.BaseUrl + "/groups");
        var grid = page.GetByTestId("group-grid");
        await Expect(grid.Locator("tr", new() { HasText = "kip848-e2e-group" }).GetByTestId("group-type")).ToHaveTextAsync("consumer");
        await grid.Locator("a.group-link", new() { HasText = "kip848-e2e-group" }).ClickAsync();
        await Ui.WaitForUrlAsync(page, "**/groups/kip848-e2e-group");
        await Ui.OpenTabAsync(page, "Members");
        await Expect(page.GetByTestId("consumer-protocol-explanation")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("member-assignment")).ToHaveTextAsync("kip848-e2e[0-2]");
        await Expect(page.GetByTestId("member-target")).ToHaveTextAsync("kip848-e2e[0-2]");
        consumer.Close();
    }
}
