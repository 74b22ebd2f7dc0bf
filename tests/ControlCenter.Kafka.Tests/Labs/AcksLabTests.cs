using Confluent.Kafka.Admin;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Labs;
using ControlCenter.Kafka.Messages;
using Microsoft.Extensions.DependencyInjection;

namespace ControlCenter.Kafka.Tests.Labs;

/// <summary>The acks lab against a three-node embedded cluster: the loss it reports is the loss that happened.</summary>
public sealed class AcksLabTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;
    private ClusterHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        // The shipped timings (2.5 s broker session): followers that stop copying keep heartbeating,
        // so they stay in the ISR however long producing takes on a loaded machine.
        _cluster = await TestCluster.StartAsync(3);
        _host = await ClusterHost.StartAsync(_cluster.BootstrapServers, configure: (services, _) =>
            services.AddSingleton(new ControlCenter.Kafka.Clusters.ClusterServiceRegistration((cluster, _, _) => cluster.AddSingleton(_cluster.Faults))));
        using var admin = Clients.Admin(_cluster.BootstrapServers);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "lab", NumPartitions = 1, ReplicationFactor = 3 }]).OffPollThread();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task AcksOneWithIsolatedFollowersLosesEveryAcknowledgedRecordWhenTheLeaderDies()
    {
        var result = await _host.Get<AcksLab>().RunAsync(new AcksLabRequest("lab", 0, 50, AcksSetting.Leader, LabFault.FollowersBehindThenLeaderKilled),
            cancellation: TestContext.Current.CancellationToken);
        Assert.Null(result.Error);
        Assert.Equal(50, result.Acknowledged);
        Assert.Equal(50, result.AcknowledgedLost);
        Assert.Equal(0, result.Survived);
        Assert.NotEqual(result.OldLeader, result.NewLeader);
        // What the lab reports is what a reader finds: none of those values is in the partition.
        Assert.DoesNotContain(Clients.ReadAll(_cluster.BootstrapServers, "lab", 1), r => r.Message.Value is { } v && System.Text.Encoding.UTF8.GetString(v).StartsWith("acks-lab-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AcksAllLosesNothingAcknowledgedWhenTheFollowersAreCutOffAndTheLeaderDies()
    {
        var isolated = await _host.Get<AcksLab>().RunAsync(new AcksLabRequest("lab", 0, 50, AcksSetting.All, LabFault.FollowersBehindThenLeaderKilled, MessageTimeoutMs: 3000),
            cancellation: TestContext.Current.CancellationToken);
        Assert.Null(isolated.Error);
        Assert.Equal(0, isolated.AcknowledgedLost);
        Assert.Equal(0, isolated.Acknowledged); // the followers never confirmed: the producer was told, not lied to
    }

    [Fact]
    public async Task AcksAllKeepsEveryAcknowledgedRecordWhenTheLeaderDiesRightAfterAcknowledging()
    {
        var killed = await _host.Get<AcksLab>().RunAsync(new AcksLabRequest("lab", 0, 200, AcksSetting.All, LabFault.LeaderKilledAfterAck),
            cancellation: TestContext.Current.CancellationToken);
        Assert.Null(killed.Error);
        Assert.True(killed.Acknowledged == 200, $"{killed.Acknowledged} acknowledged:\n" + string.Join("\n", killed.Steps));
        Assert.Equal(200, killed.Survived);
        Assert.Equal(0, killed.AcknowledgedLost);
    }

    [Fact]
    public async Task TheLabRefusesATopicWithoutFollowers()
    {
        using (var admin = Clients.Admin(_cluster.BootstrapServers))
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "single", NumPartitions = 1, ReplicationFactor = 1 }]).OffPollThread();
        var result = await _host.Get<AcksLab>().RunAsync(new AcksLabRequest("single", 0, 10, AcksSetting.Leader, LabFault.LeaderKilledAfterAck),
            cancellation: TestContext.Current.CancellationToken);
        Assert.Contains("replication factor 1", result.Error);
        Assert.Equal(0, result.Sent);
    }
}
