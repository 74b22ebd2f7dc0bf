using ControlCenter.Kafka.Cluster;
using System.Text;
using Confluent.Kafka;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ControlCenter.E2E;

/// <summary>Producing, finding, inspecting and tailing records in a real browser.</summary>
public class MessagesTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private async Task CreateTopicAsync(string name, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = await fixture.App.BootstrapServersAsync() }).Build();
        await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = 1 }]).OffPollThread();
    }

    private async Task ProduceAsync(string topic, string? key, string value)
    {
        using var producer = new ProducerBuilder<string?, string>(new ProducerConfig { BootstrapServers = await fixture.App.BootstrapServersAsync() }).Build();
        await producer.ProduceAsync(topic, new Message<string?, string> { Key = key, Value = value });
    }

    private async Task<IPage> OpenTopicAsync(string topic)
    {
        var page = await fixture.Browser.OpenConnectedAsync($"{fixture.App.BaseUrl}/topics/{topic}");
        await Expect(page.GetByTestId("topic-partition-count")).ToBeVisibleAsync();
        return page;
    }

    [Fact]
    public async Task ProduceThroughTheFormThenSearchForTheRecordAndOpenIt()
    {
        await CreateTopicAsync("e2e-messages", 3);
        for (int i = 0; i < 20; i++) await ProduceAsync("e2e-messages", $"k{i}", $"{{\"order\":\"ORD-{i}\"}}");
        var page = await OpenTopicAsync("e2e-messages");

        await Ui.OpenTabAsync(page, "Produce");
        await Ui.FillAsync(page, "produce-key", "customer-9");
        await page.GetByTestId("produce-format").Locator(".mud-toggle-item", new() { HasText = "JSON" }).ClickAsync();
        await Ui.FillAsync(page, "produce-value", "{\"order\": \"E2E-4711\"");
        await Expect(page.GetByText("Not valid JSON.")).ToBeVisibleAsync(); // checked while typing
        await Ui.FillAsync(page, "produce-value", "{\"order\": \"E2E-4711\", \"total\": 12.5}");
        await page.GetByTestId("produce-add-header").ClickAsync();
        await Ui.FillAsync(page, "produce-header-key", "source");
        await Ui.FillAsync(page, "produce-header-value", "playwright");
        await page.Locator(".mud-radio", new() { HasText = "waits for the partition leader" }).ClickAsync();
        await page.GetByTestId("produce-send").ClickAsync();
        var partition = page.GetByTestId("produce-result-partition");
        await Expect(partition).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-2]$"));
        await Expect(page.GetByTestId("produce-result-offset")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+$"));
        string landedPartition = await partition.TextContentAsync() ?? "";
        string landedOffset = await page.GetByTestId("produce-result-offset").TextContentAsync() ?? "";

        await Ui.OpenTabAsync(page, "Messages");
        await page.GetByTestId("messages-mode").Locator(".mud-toggle-item", new() { HasText = "Search" }).ClickAsync();
        await Ui.FillAsync(page, "filter-pattern", "E2E-4711");
        await page.GetByTestId("search-run").ClickAsync();
        await Expect(page.GetByTestId("search-stop")).ToHaveTextAsync("scanned the whole range");
        await Expect(page.GetByTestId("search-scanned")).ToHaveTextAsync("21");
        await Expect(page.GetByTestId("search-from-files")).ToHaveTextAsync("read from the segment files");
        await Expect(page.GetByTestId("search-matches")).ToHaveTextAsync("1");
        var rows = page.GetByTestId("message-table").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First.Locator("td").First).ToHaveTextAsync(landedPartition);
        await Expect(rows.First.GetByTestId("message-offset")).ToHaveTextAsync(landedOffset);

        await rows.First.ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog).ToContainTextAsync($"partition {landedPartition}");
        await Expect(page.GetByTestId("inspect-key-text")).ToHaveTextAsync("customer-9");
        await Expect(page.GetByTestId("inspect-value-text")).ToContainTextAsync("\"total\": 12.5");
        await Expect(page.GetByTestId("inspect-headers")).ToContainTextAsync("playwright");
        await page.GetByTestId("inspect-value-format").Locator(".mud-toggle-item", new() { HasText = "Hex" }).ClickAsync();
        await Expect(page.GetByTestId("inspect-value-text")).ToContainTextAsync("00000000  7b 22 6f 72");

        // A reload (or the link, shared) lands on the same tab, mode and search, run again.
        await page.Keyboard.PressAsync("Escape");
        Assert.Contains("tab=messages", page.Url);
        Assert.Contains("mode=search", page.Url);
        await page.ReloadAsync();
        await Expect(Ui.Input(page, "filter-pattern")).ToHaveValueAsync("E2E-4711");
        await Expect(page.GetByTestId("search-matches")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("message-table").Locator("tbody tr").First.GetByTestId("message-offset")).ToHaveTextAsync(landedOffset);
    }

    [Fact]
    public async Task MarkupInRecordsIsShownAsTextAndNeverRuns()
    {
        await CreateTopicAsync("e2e-xss", 1);
        const string value = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>";
        await ProduceAsync("e2e-xss", "<b onmouseover=\"window.__xss=3\">key</b>", value);
        var page = await OpenTopicAsync("e2e-xss");
        bool alerted = false;
        page.Dialog += (_, d) => { alerted = true; _ = d.DismissAsync(); };

        await Ui.OpenTabAsync(page, "Messages");
        var cell = page.GetByTestId("message-value");
        await Expect(cell).ToHaveTextAsync(value);
        await cell.HoverAsync();
        await page.GetByTestId("message-key").HoverAsync();
        await page.GetByTestId("message-table").Locator("tbody tr").First.ClickAsync();
        await Expect(page.GetByTestId("inspect-value-text")).ToHaveTextAsync(value);
        await Expect(page.GetByTestId("message-table").Locator("tbody img, tbody script, tbody b")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("message-inspector").Locator("img, script, b")).ToHaveCountAsync(0);
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__xss ?? null"));
        Assert.False(alerted);
    }

    [Fact]
    public async Task LiveTailAppendsRecordsAsTheyArrive()
    {
        await CreateTopicAsync("e2e-tail", 2);
        var page = await OpenTopicAsync("e2e-tail");
        await Ui.OpenTabAsync(page, "Messages");
        await page.GetByTestId("messages-mode").Locator(".mud-toggle-item", new() { HasText = "Live tail" }).ClickAsync();
        await Expect(page.GetByTestId("tail-state")).ToHaveTextAsync("following new records"); // shown once each partition's end is known

        await ProduceAsync("e2e-tail", "a", "first live record");
        await Expect(page.GetByTestId("message-value")).ToHaveTextAsync("first live record");
        await ProduceAsync("e2e-tail", "b", "second live record");
        await Expect(page.GetByTestId("message-value")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("message-value").First).ToHaveTextAsync("second live record"); // newest first

        await page.GetByTestId("tail-stop").ClickAsync();
        await Expect(page.GetByTestId("tail-state")).ToHaveTextAsync("stopped");
    }

    [Fact]
    public async Task LargeValuesFromTheFormArriveByteExactOrAreRefusedWithTheReason()
    {
        await CreateTopicAsync("e2e-large", 1);
        var page = await OpenTopicAsync("e2e-large");
        await Ui.OpenTabAsync(page, "Produce");
        await page.GetByTestId("produce-format").Locator(".mud-toggle-item", new() { HasText = "JSON" }).ClickAsync();
        var sent = new List<string>();
        // 15 KB and 23 KB wrote empty values once; 40 KB and more produced nothing and said nothing. Up to max.message.bytes, all must arrive.
        foreach (int size in new[] { 14_903, 22_900, 40_000, 900_000 })
        {
            string value = JsonOfSize(size);
            await page.Locator("[data-testid=produce-key]").FillAsync($"k{size}");
            await page.Locator("[data-testid=produce-value]").FillAsync(value);
            await Expect(page.GetByTestId("produce-size")).ToContainTextAsync($"{Encoding.UTF8.GetByteCount(value) + Encoding.UTF8.GetByteCount($"k{size}"):N0} bytes");
            await page.GetByTestId("produce-send").ClickAsync();
            await Expect(page.GetByTestId("produce-summary")).ToContainTextAsync("1 sent, 0 failed");
            await Expect(page.GetByTestId("produce-result-offset")).ToHaveTextAsync(sent.Count.ToString());
            sent.Add(value);
        }
        // Over the topic's max.message.bytes: refused with the reason, and nothing is written.
        await page.Locator("[data-testid=produce-value]").FillAsync(JsonOfSize(1_100_000));
        await Expect(page.GetByTestId("produce-size")).ToContainTextAsync("(max.message.bytes)");
        await page.GetByTestId("produce-send").ClickAsync();
        await Expect(page.GetByTestId("produce-error")).ToContainTextAsync("accepts batches of at most 1,048,588 bytes (max.message.bytes)");

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = await fixture.App.BootstrapServersAsync(), GroupId = "e2e-large-reader", AutoOffsetReset = AutoOffsetReset.Earliest, EnablePartitionEof = true,
        }).Build();
        consumer.Assign(new TopicPartitionOffset("e2e-large", 0, Offset.Beginning));
        var read = new List<ConsumeResult<string, string>>();
        while (consumer.Consume(TimeSpan.FromSeconds(30)) is { } r && !r.IsPartitionEOF) read.Add(r);
        Assert.Equal(sent, read.Select(r => r.Message.Value)); // byte-exact, in order, and nothing more
        Assert.Equal(["k14903", "k22900", "k40000", "k900000"], read.Select(r => r.Message.Key));
    }

    /// <summary>A JSON document of exactly <paramref name="bytes"/> UTF-8 bytes, with characters that need escaping in transit.</summary>
    private static string JsonOfSize(int bytes)
    {
        const string head = "{\"note\":\"quotes \\\" and <b>tags</b> é\",\"fill\":\"";
        const string tail = "\"}";
        return head + new string('x', bytes - Encoding.UTF8.GetByteCount(head) - tail.Length) + tail;
    }
}
