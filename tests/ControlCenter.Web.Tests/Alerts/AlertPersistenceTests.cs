using Confluent.Kafka;
using ControlCenter.Kafka.Alerts;

namespace ControlCenter.Web.Tests.Alerts;

/// <summary>What the alerts directory keeps across a restart of the app: rules added in the dashboard, silences, the history and what was firing.</summary>
public sealed class AlertPersistenceTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RulesSilencesHistoryAndFiringAlertsSurviveARestart()
    {
        string data = TempDir.Create("alerts-restart"), alertsDir = TempDir.Create("alerts-restart-dir");
        var settings = new Dictionary<string, string?> { ["EmbeddedBroker:DataDir"] = data, ["Alerts:Directory"] = alertsDir, ["Monitor:GroupIntervalMs"] = "250" };
        try
        {
            string ruleId, alertId;
            await using (var first = new AppFactory(settings))
            {
                first.Start();
                await first.WaitReachableAsync();
                var alerts = first.Get<AlertManager>();
                var rule = alerts.AddRule(new AlertRule("", "kept behind", AlertKind.ConsumerLagRecords, AlertSeverity.Warning, 0, TimeSpan.Zero, "kept-*", "kept-g"), "admin");
                ruleId = rule.Id;
                Assert.Throws<ArgumentException>(() => alerts.AddRule(rule with { Name = "" }, "admin")); // refused, nothing kept
                alerts.Silence(ruleId, null, TimeSpan.FromHours(2), "over the weekend", "admin");
                await first.CreateTopicAsync("kept-topic");
                using (var producer = Clients.Producer(first.Bootstrap))
                    await producer.ProduceAsync("kept-topic", new Message<byte[]?, byte[]?> { Value = [1] }, Cancellation);
                using (var consumer = Clients.Consumer(first.Bootstrap, "kept-g"))
                    consumer.Commit([new TopicPartitionOffset("kept-topic", 0, 0)]);
                var firing = await Wait.ForAsync(() => alerts.Active.FirstOrDefault(a => a.State == AlertState.Firing), "the alert to fire", cancellation: Cancellation);
                alertId = firing.Id;
                Assert.NotNull(alerts.Acknowledge(alertId, "operator-1"));
                await first.StopAsync();
            }

            await using var second = new AppFactory(settings);
            second.Start();
            await second.WaitReachableAsync();
            var again = second.Get<AlertManager>();
            Assert.Equal("kept behind", Assert.Single(again.Rules).Name);
            Assert.Contains(again.Silences, s => s.RuleId == ruleId && s.Comment == "over the weekend");
            var restored = Assert.Single(again.Active);
            Assert.Equal(alertId, restored.Id);
            Assert.Equal(AlertState.Firing, restored.State);
            Assert.Equal("operator-1", restored.AcknowledgedBy);
            // Still behind after the restart: it stays firing without firing again.
            await Wait.UntilAsync(() => again.Evaluations >= 3, "a few evaluations", cancellation: Cancellation);
            Assert.Equal(AlertState.Firing, Assert.Single(again.Active).State);
            Assert.Single(again.History, e => e.Transition == AlertTransitions.Firing);
            Assert.Contains(again.History, e => e.Transition == AlertTransitions.Acknowledged && e.User == "operator-1");

            Assert.True(again.RemoveRule(ruleId, "admin"));
            await Wait.UntilAsync(() => again.Active.Count == 0, "the removed rule's alert to resolve", cancellation: Cancellation);
            Assert.Contains(again.History, e => e.Transition == AlertTransitions.Resolved && e.Message == "The rule was removed");
        }
        finally
        {
            TempDir.Delete(data);
            TempDir.Delete(alertsDir);
        }
    }
}
