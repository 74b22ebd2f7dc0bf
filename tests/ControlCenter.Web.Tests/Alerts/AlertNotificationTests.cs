using System.Text.Json;
using Confluent.Kafka;
using ControlCenter.Kafka.Alerts;
using ControlCenter.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace ControlCenter.Web.Tests.Alerts;

/// <summary>
/// Alert rules on the app's embedded broker, with a local webhook receiver (generic JSON, Slack
/// and Teams payloads) and a local SMTP server: a consumer group falls behind and catches up.
/// </summary>
public sealed class AlertNotificationTests : AppTest
{
    private const string Topic = "alert-orders", Group = "alert-billing", QuietTopic = "alert-quiet", QuietGroup = "alert-quiet-g";
    private WebhookReceiver _hooks = null!;
    private TestSmtpServer _smtp = null!;

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Monitor:GroupIntervalMs"] = "250", // groups read on every tick: "two ticks" is then the whole delay
        ["Alerts:Rules:0:Name"] = "billing behind",
        ["Alerts:Rules:0:Kind"] = "consumer-lag-records",
        ["Alerts:Rules:0:Group"] = Group,
        ["Alerts:Rules:0:Topic"] = "alert-ord*",
        ["Alerts:Rules:0:Threshold"] = "5",
        ["Alerts:Rules:0:Severity"] = "Critical",
        ["Alerts:Rules:1:Name"] = "quiet behind",
        ["Alerts:Rules:1:Kind"] = "consumer-lag-records",
        ["Alerts:Rules:1:Group"] = QuietGroup,
        ["Alerts:Rules:1:Threshold"] = "0",
        ["Alerts:Notifications:Webhooks:0:Url"] = new Uri(_hooks.BaseAddress, "json").ToString(),
        ["Alerts:Notifications:Webhooks:1:Url"] = new Uri(_hooks.BaseAddress, "slack").ToString(),
        ["Alerts:Notifications:Webhooks:1:Format"] = "Slack",
        ["Alerts:Notifications:Webhooks:2:Url"] = new Uri(_hooks.BaseAddress, "teams").ToString(),
        ["Alerts:Notifications:Webhooks:2:Format"] = "Teams",
        ["Alerts:Notifications:Email:Host"] = "127.0.0.1",
        ["Alerts:Notifications:Email:Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Alerts:Notifications:Email:To:0"] = "oncall@example.com",
        ["Alerts:Notifications:RetryBaseMs"] = "200",
        ["Alerts:Notifications:DashboardUrl"] = "http://dashboard.example",
    };

    public override async ValueTask InitializeAsync()
    {
        _hooks = await WebhookReceiver.StartAsync();
        _smtp = new TestSmtpServer();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _hooks.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private AlertManager Alerts => App.Get<AlertManager>();

    [Fact]
    public async Task ALagRuleFiresWithinTwoTicksOfCrossingAndResolvesWhenTheGroupCatchesUp()
    {
        int jsonCalls = 0;
        _hooks.Respond = (_, path) => path == "/json" && Interlocked.Increment(ref jsonCalls) == 1 ? 500 : 200; // the first delivery fails
        await using var hub = await MetricsHubClient.ConnectAsync(BaseAddress);
        var hubEvents = new System.Collections.Concurrent.ConcurrentQueue<JsonElement>();
        hub.On<JsonElement>("alert", e => hubEvents.Enqueue(e));
        Assert.Empty(await hub.InvokeAsync<List<JsonElement>>("SubscribeAlerts", Cancellation));

        // Ticks are counted as the monitor announces them: the alert manager evaluates before any other listener.
        long? crossedAt = null, firedAt = null;
        void OnTick()
        {
            long tick = App.Monitor.Ticks;
            if (crossedAt is null && Cluster.GroupLags.TryGetValue(Group, out var lag) && lag.TotalLag > 5) crossedAt = tick;
            if (firedAt is null && Alerts.Active.Any(a => a.State == AlertState.Firing && a.Rule.Name == "billing behind")) firedAt = tick;
        }
        Cluster.Changed += OnTick;
        try
        {
            await App.CreateTopicAsync(Topic);
            await ProduceAsync(Topic, 10);
            Commit(Group, Topic, 0); // ten records behind
            await Wait.UntilAsync(() => firedAt is not null, "the lag alert to fire", cancellation: Cancellation);
        }
        finally { Cluster.Changed -= OnTick; }
        Assert.NotNull(crossedAt);
        Assert.InRange(firedAt!.Value - crossedAt!.Value, 0, 2);
        var alert = Assert.Single(Alerts.Active);
        Assert.Equal($"{Group}/{Topic}", alert.Key);
        Assert.Equal(10, alert.Value);

        // Every target gets the firing: the generic hook after its 500 (retried), Slack, Teams and e-mail.
        var fired = await Wait.ForAsync(() => Body("/json", "firing"), "the JSON webhook to accept the firing", cancellation: Cancellation);
        Assert.Equal(2, _hooks.Calls.Count(c => c.Path == "/json"));
        Assert.Equal(500, _hooks.Calls.First(c => c.Path == "/json").Status);
        Assert.Equal("critical", fired.Body.GetProperty("severity").GetString());
        Assert.Equal($"{Group}/{Topic}", fired.Body.GetProperty("key").GetString());
        Assert.Equal(10, fired.Body.GetProperty("value").GetDouble());
        Assert.Equal("http://dashboard.example/alerts", fired.Body.GetProperty("url").GetString());
        var slack = await Wait.ForAsync(() => _hooks.Accepted.FirstOrDefault(c => c.Path == "/slack"), "the Slack webhook", cancellation: Cancellation);
        Assert.Contains("[FIRING] billing behind", slack.Body.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("header", slack.Body.GetProperty("blocks")[0].GetProperty("type").GetString());
        var teams = await Wait.ForAsync(() => _hooks.Accepted.FirstOrDefault(c => c.Path == "/teams"), "the Teams webhook", cancellation: Cancellation);
        var card = teams.Body.GetProperty("attachments")[0];
        Assert.Equal("application/vnd.microsoft.card.adaptive", card.GetProperty("contentType").GetString());
        Assert.Contains("[FIRING]", card.GetProperty("content").GetProperty("body")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        var mail = await Wait.ForAsync(() => _smtp.Mails.FirstOrDefault(), "the alert e-mail", cancellation: Cancellation);
        Assert.Contains("oncall@example.com", mail.To[0], StringComparison.Ordinal);
        Assert.Contains("[FIRING] billing behind", mail.Data, StringComparison.Ordinal);
        await Wait.UntilAsync(() => Alerts.History.Any(e => e.Transition == AlertTransitions.Notified && e.Message.Contains("json webhook", StringComparison.Ordinal)),
            "the delivery in the history", cancellation: Cancellation);
        var delivered = Alerts.History.First(e => e.Transition == AlertTransitions.Notified && e.Message.Contains("json webhook", StringComparison.Ordinal));
        Assert.Contains("2 attempts", delivered.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/json", delivered.Message, StringComparison.Ordinal); // a webhook's path is a secret: only its host is named

        // The group catches up: the alert resolves, and the hook hears of it.
        Commit(Group, Topic, 10);
        var resolved = await Wait.ForAsync(() => Body("/json", "resolved"), "the JSON webhook to get the resolution", cancellation: Cancellation);
        Assert.Equal($"{Group}/{Topic}", resolved.Body.GetProperty("key").GetString());
        Assert.Empty(Alerts.Active);
        Assert.Contains(Alerts.History, e => e.Transition == AlertTransitions.Resolved && e.Key == $"{Group}/{Topic}");
        await Wait.UntilAsync(() => hubEvents.Any(e => e.GetProperty("transition").GetString() == "resolved"), "the hub's resolved event", cancellation: Cancellation);
        Assert.Contains(hubEvents, e => e.GetProperty("transition").GetString() == "firing" && e.GetProperty("key").GetString() == $"{Group}/{Topic}");
    }

    [Fact]
    public async Task ASilencedRuleFiresButNotifiesNoOne()
    {
        Alerts.Silence("config-1", null, TimeSpan.FromHours(1), "maintenance", "tester");
        await App.CreateTopicAsync(QuietTopic);
        await ProduceAsync(QuietTopic, 3);
        Commit(QuietGroup, QuietTopic, 0);
        await Wait.UntilAsync(() => Alerts.History.Any(e => e.Transition == AlertTransitions.Suppressed && e.RuleName == "quiet behind"),
            "the firing to be held back", cancellation: Cancellation);
        var alert = Assert.Single(Alerts.Active);
        Assert.Equal(AlertState.Firing, alert.State);
        Assert.True(Alerts.IsSilenced(alert));
        Assert.Contains(Alerts.History, e => e.Transition == AlertTransitions.Silenced && e.Message.Contains("maintenance", StringComparison.Ordinal));
        // The firing was never queued (held back before the notifier), so nothing can arrive later either.
        Assert.Empty(_hooks.Calls);
        Assert.Empty(_smtp.Mails);
        Assert.DoesNotContain(Alerts.History, e => e.Transition is AlertTransitions.Notified or AlertTransitions.NotifyFailed);
    }

    private WebhookReceiver.Call? Body(string path, string status) =>
        _hooks.Accepted.FirstOrDefault(c => c.Path == path && c.Body.GetProperty("status").GetString() == status);

    private async Task ProduceAsync(string topic, int count)
    {
        using var producer = Clients.Producer(Bootstrap);
        for (int i = 0; i < count; i++) await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = [(byte)i] }, Cancellation);
    }

    private void Commit(string group, string topic, long offset)
    {
        using var consumer = Clients.Consumer(Bootstrap, group);
        consumer.Commit([new TopicPartitionOffset(topic, 0, offset)]);
    }
}
