using ControlCenter.Kafka.Alerts;
using ControlCenter.Kafka.Labs;
using ControlCenter.Web.Tests.Infrastructure;

namespace ControlCenter.Web.Tests.Alerts;

/// <summary>Broker-down on a three-node embedded cluster: a node is stopped, then started again.</summary>
public sealed class BrokerDownAlertTests : AppTest
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["EmbeddedBroker:Nodes"] = "3",
        ["Alerts:Rules:0:Name"] = "node lost",
        ["Alerts:Rules:0:Kind"] = "broker-down",
        ["Alerts:Rules:0:Severity"] = "Critical",
    };

    [Fact]
    public async Task AStoppedNodeFiresBrokerDownAndResolvesWhenItIsBack()
    {
        var alerts = App.Get<AlertManager>();
        await Wait.UntilAsync(() => Cluster.Overview?.Brokers.Count(b => b.IsOnline) == 3, "all three nodes online", cancellation: Cancellation);
        await App.Monitor.NextTickAsync(Cancellation); // the manager has seen them
        Assert.Empty(alerts.Active);
        int victim = Cluster.Overview!.Brokers.Select(b => b.Id).First(id => id != Cluster.Overview.ControllerId);

        var faults = App.Get<IClusterFaults>();
        await faults.KillAsync(victim);
        var alert = await Wait.ForAsync(() => alerts.Active.FirstOrDefault(a => a.State == AlertState.Firing), "broker-down to fire", cancellation: Cancellation);
        Assert.Equal($"broker-{victim}", alert.Key);
        Assert.Equal(AlertSeverity.Critical, alert.Severity);
        Assert.Contains($"Broker {victim} is down", alert.Message, StringComparison.Ordinal);

        await faults.StartAsync(victim);
        await Wait.UntilAsync(() => alerts.Active.Count == 0, "broker-down to resolve", cancellation: Cancellation);
        Assert.Contains(alerts.History, e => e.Transition == AlertTransitions.Resolved && e.Key == $"broker-{victim}");
        Assert.Contains(alerts.History, e => e.Transition == AlertTransitions.Firing && e.Key == $"broker-{victim}");
    }
}
