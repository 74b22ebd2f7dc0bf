using Confluent.Kafka;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ControlCenter.E2E;

/// <summary>Live charts in a real browser: they gain points tick by tick while records flow.</summary>
public class MetricsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static async Task<int> PointsAsync(ILocator chart) => int.Parse(await chart.GetAttributeAsync("data-points") ?? "0");

    [Fact]
    public async Task OverviewChartGainsPointsWhileRecordsAreProduced()
    {
        string bootstrap = await fixture.App.BootstrapServersAsync();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
            await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = "e2e-live", NumPartitions = 2, ReplicationFactor = 1 }]);
        var page = await fixture.Browser.OpenConnectedAsync(fixture.App.BaseUrl + "/");
        var chart = page.GetByTestId("chart-cluster-records");
        await Expect(chart.Locator("svg").First).ToBeVisibleAsync(new() { Timeout = 15_000 });
        int before = await PointsAsync(chart);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(6));
        var producing = Task.Run(async () =>
        {
            using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 5 }).Build();
            while (!stop.IsCancellationRequested)
            {
                for (int i = 0; i < 200; i++) producer.Produce("e2e-live", new Message<Null, string> { Value = $"{{\"n\":{i}}}" });
                producer.Flush(TimeSpan.FromSeconds(5));
                await Task.Delay(100);
            }
        });
        await Expect(page.GetByTestId("chart-cluster-records-now")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"produced [1-9][\d,.]* rec/s"), new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("top-topics")).ToContainTextAsync("e2e-live", new() { Timeout = 15_000 });
        await producing;
        // A point a tick (0.5 s here): after 6 s of traffic the chart has at least 4 more, however busy the machine (waits up to 15 s).
        int after = await PointsAsync(chart);
        for (var deadline = DateTime.UtcNow.AddSeconds(15); after < before + 4 && DateTime.UtcNow < deadline; after = await PointsAsync(chart))
            await Task.Delay(250);
        Assert.True(after >= before + 4, $"the chart went from {before} to {after} points");
        Assert.True(await chart.Locator("svg path").CountAsync() > 0);

        // The topic's own chart and per-partition rates.
        await page.GotoAsync(fixture.App.BaseUrl + "/topics/e2e-live");
        await ControlCenter.Testing.Browser.WaitInteractiveAsync(page); // the prerendered page has the chart too, but clicks need the circuit
        await Expect(page.GetByTestId("chart-topic-records")).ToHaveAttributeAsync("data-points", new System.Text.RegularExpressions.Regex(@"^([2-9]|\d\d+)$"), new() { Timeout = 15_000 });
        await page.Locator(".mud-tab", new() { HasText = "Partitions" }).ClickAsync();
        await Expect(page.GetByTestId("partition-rate").First).ToContainTextAsync("rec/s", new() { Timeout = 15_000 });
    }
}
