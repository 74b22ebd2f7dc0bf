using ControlCenter.Kafka.Cluster;

namespace ControlCenter.Kafka.Tests;

/// <summary>
/// A test class's own embedded broker (free port, temporary data dir) and the dashboard's
/// cluster layer pointed at it in a plain host, with the broker's data dir as its readable
/// log dir, as the app has with its embedded broker. No web host.
/// </summary>
public abstract class ClusterTest : IAsyncLifetime
{
    protected TestBroker Broker { get; private set; } = null!;
    protected ClusterHost Host { get; private set; } = null!;
    protected string Bootstrap => Broker.BootstrapServers;
    protected IClusterState Cluster => Host.Cluster;
    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Broker properties (EmbeddedBroker:Config) for this class's broker.</summary>
    protected virtual Dictionary<string, string>? BrokerConfig => null;

    /// <summary>App settings (Monitor:*, Kafka:*) on top of the host's test defaults.</summary>
    protected virtual Dictionary<string, string?>? Settings => null;

    /// <summary>
    /// The app's clock; a FakeTimeProvider where time is under test. A frozen clock stops the
    /// monitor's own ticks: the test drives it with <see cref="IClusterState.RefreshAsync"/>.
    /// </summary>
    protected virtual TimeProvider? Time => null;

    public virtual async ValueTask InitializeAsync()
    {
        Broker = await TestBroker.StartAsync(BrokerConfig);
        var settings = new Dictionary<string, string?> { ["Kafka:LogDirs:0"] = Broker.DataDir };
        foreach (var (key, value) in Settings ?? []) settings[key] = value;
        Host = await ClusterHost.StartAsync(Bootstrap, settings, time: Time);
        if (Time is null) await Host.WaitReachableAsync();
        else await Wait.UntilAsync(async () => { await Cluster.RefreshAsync(Cancellation); return Cluster.Status.IsReachable; }, "the cluster to be reachable");
    }

    public virtual async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Broker.DisposeAsync();
    }

    /// <summary>Waits until the monitor's snapshot shows something (admin calls ask it to refresh at once).</summary>
    protected Task WaitForSnapshotAsync(Func<ClusterSnapshot, bool> condition, string what) =>
        Wait.UntilAsync(() => Cluster.Snapshot is { } s && condition(s), what, cancellation: Cancellation);

    /// <summary>Refreshes until <paramref name="condition"/> holds on the snapshot (works with a frozen clock too).</summary>
    protected Task WaitForRefreshedAsync(Func<bool> condition, string what) =>
        Wait.UntilAsync(async () => { await Cluster.RefreshAsync(Cancellation); return condition(); }, what, cancellation: Cancellation);

    /// <summary>The snapshot of a full refresh read after this call: what is (not) there now, not what a stale tick said.</summary>
    protected async Task<ClusterSnapshot> FreshSnapshotAsync()
    {
        await Cluster.RefreshAsync(Cancellation);
        return Cluster.Snapshot!;
    }
}
