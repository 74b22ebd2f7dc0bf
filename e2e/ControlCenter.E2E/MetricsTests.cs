using ControlCenter.Kafka.Cluster;
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
            await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = "e2e-live", NumPartitions = 2, ReplicationFactor = 1 }]).OffPollThread();
        var page = await fixture.Browser.OpenConnectedAsync(fixture.App.BaseUrl + "/");
        var chart = page.GetByTestId("chart-cluster-records");
        await Expect(chart.Locator("svg").First).ToBeVisibleAsync(new() { Timeout = 15_000 });
        int before = await PointsAsync(chart);

        // Records keep flowing until the page has shown what the test looks for: the rate, the topic, new points.
        using var stop = new CancellationTokenSource();
        var producing = Task.Run(() =>
        {
            using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 5 }).Build();
            while (!stop.IsCancellationRequested)
            {
                for (int i = 0; i < 200; i++) producer.Produce("e2e-live", new Message<Null, string> { Value = $"{{\"n\":{i}}}" });
                producer.Flush(TimeSpan.FromSeconds(5));
            }
        }, TestContext.Current.CancellationToken);
        await Expect(page.GetByTestId("chart-cluster-records-now")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"produced [1-9][\d,.]* rec/s"));
        await Expect(page.GetByTestId("top-topics")).ToContainTextAsync("e2e-live");
        // A point a tick: the chart gains points as ticks go by.
        await page.WaitForFunctionAsync("([el, min]) => Number(el.dataset.points) >= min", new object[] { await chart.ElementHandleAsync(), before + 4 });
        await stop.CancelAsync();
        await producing;
        Assert.True(await chart.Locator("svg path").CountAsync() > 0);

        // The topic's own chart and per-partition rates.
        await page.GotoAsync(fixture.App.BaseUrl + "/topics/e2e-live");
        await ControlCenter.Testing.Browser.WaitInteractiveAsync(page); // the prerendered page has the chart too, but clicks need the circuit
        await Expect(page.GetByTestId("chart-topic-records")).ToHaveAttributeAsync("data-points", new System.Text.RegularExpressions.Regex(@"^([2-9]|\d\d+)$"));
        await Ui.OpenTabAsync(page, "Partitions");
        await Expect(page.GetByTestId("partition-rate").First).ToContainTextAsync("rec/s");
    }
}
