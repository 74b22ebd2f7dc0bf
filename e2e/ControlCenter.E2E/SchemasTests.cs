using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Cluster;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ControlCenter.E2E;

/// <summary>The schema registry in the browser: register, evolve, produce an Avro record from the form, see it decoded.</summary>
public class SchemasTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string PersonV1 = """{"type":"record","name":"Person","namespace":"e2e","fields":[{"name":"name","type":"string"},{"name":"age","type":"int"}]}""";
    private const string PersonRequiredEmail = """{"type":"record","name":"Person","namespace":"e2e","fields":[{"name":"name","type":"string"},{"name":"age","type":"int"},{"name":"email","type":"string"}]}""";
    private const string PersonOptionalEmail = """{"type":"record","name":"Person","namespace":"e2e","fields":[{"name":"name","type":"string"},{"name":"age","type":"int"},{"name":"email","type":"string","default":""}]}""";

    [Fact]
    public async Task ASchemaRegisteredInTheBrowserEncodesAProducedRecordThatMessagesShowsDecoded()
    {
        string bootstrap = await fixture.App.BootstrapServersAsync();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "e2e-people", NumPartitions = 1, ReplicationFactor = 1 }]).OffPollThread();

        // Register the first version from the Schemas page.
        var page = await fixture.Browser.OpenConnectedAsync(fixture.App.BaseUrl + "/schemas");
        await Expect(page.GetByTestId("registry-address")).ToContainTextAsync("embedded schema registry");
        await Ui.FillAsync(page, "new-subject", "e2e-people-value");
        await page.GetByTestId("create-subject").ClickAsync();
        await Ui.WaitForUrlAsync(page, "**/schemas/e2e-people-value");
        await Expect(page.GetByTestId("subject-empty")).ToBeVisibleAsync();
        await Ui.FillAsync(page, "register-schema", PersonV1);
        await page.GetByTestId("register-save").ClickAsync();
        await Expect(page.GetByTestId("register-ok")).ToContainTextAsync("Registered: schema id");
        await Expect(page.GetByTestId("version-row")).ToHaveCountAsync(1);

        // An incompatible evolution is explained before anything is saved; a compatible one is registered and diffed.
        await Ui.FillAsync(page, "register-schema", PersonRequiredEmail);
        await page.GetByTestId("register-save").ClickAsync();
        await Expect(page.GetByTestId("register-problems")).ToContainTextAsync("READER_FIELD_MISSING_DEFAULT_VALUE");
        await Expect(page.GetByTestId("version-row")).ToHaveCountAsync(1);
        await Ui.FillAsync(page, "register-schema", PersonOptionalEmail);
        await page.GetByTestId("register-save").ClickAsync();
        await Expect(page.GetByTestId("version-row")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("schema-diff").Locator("[data-kind=Added]", new() { HasText = "\"email\"" })).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("diff-summary")).ToContainTextAsync("0 removed");

        // Produce from the form: the topic's value subject is picked, the JSON is encoded with it.
        await page.GotoAsync(fixture.App.BaseUrl + "/topics/e2e-people?tab=produce");
        await ControlCenter.Testing.Browser.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("produce-schema-hint")).ToContainTextAsync("sent in the registry's wire format");
        await Ui.FillAsync(page, "produce-key", "p-1");
        await Ui.FillAsync(page, "produce-value", """{"name": "Dora <b>Explorer</b>", "age": 7, "email": "dora@example.com"}""");
        await page.GetByTestId("produce-send").ClickAsync();
        await Expect(page.GetByTestId("produce-summary")).ToContainTextAsync("1 sent, 0 failed");
        // JSON that does not fit the schema is refused with the reason, and nothing is sent.
        await Ui.FillAsync(page, "produce-value", """{"name": "no age"}""");
        await page.GetByTestId("produce-send").ClickAsync();
        await Expect(page.GetByTestId("produce-error")).ToContainTextAsync("does not fit schema");

        // Messages: the value is decoded to its fields (as text: the markup stays characters), with its schema named.
        await page.GotoAsync(fixture.App.BaseUrl + "/topics/e2e-people?tab=messages&start=oldest");
        await ControlCenter.Testing.Browser.WaitInteractiveAsync(page);
        var table = page.GetByTestId("message-table");
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(table.GetByTestId("message-value")).ToContainTextAsync("\"name\":\"Dora <b>Explorer</b>\"");
        await table.Locator("tbody tr").First.ClickAsync();
        await Expect(page.GetByTestId("inspect-value-schema")).ToContainTextAsync("AVRO · e2e-people-value v2");
        await Expect(page.GetByTestId("inspect-value-text")).ToContainTextAsync("\"age\": 7");
        Assert.Equal(0, await page.Locator("[data-testid=inspect-value-text] b").CountAsync());

        // The topic page names its subjects.
        await page.GotoAsync(fixture.App.BaseUrl + "/topics/e2e-people");
        await ControlCenter.Testing.Browser.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("topic-schema-value")).ToContainTextAsync("e2e-people-value");
        await Expect(page.GetByTestId("topic-schema-key")).ToContainTextAsync("no subject e2e-people-key");
    }
}
