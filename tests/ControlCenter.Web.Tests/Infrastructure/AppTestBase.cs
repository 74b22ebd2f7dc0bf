using ControlCenter.Kafka;
using ControlCenter.Kafka.Cluster;

namespace ControlCenter.Web.Tests.Infrastructure;

/// <summary>A started app with its embedded broker, per test class; helpers to wait on the monitor.</summary>
public abstract class AppTestBase : IAsyncLifetime
{
    protected AppFactory App { get; private set; } = null!;
    protected Uri BaseAddress { get; private set; } = null!;
    protected string Bootstrap => App.Get<ClusterConnection>().BootstrapServers;
    protected IClusterState Cluster => App.Get<IClusterState>();

    protected virtual Dictionary<string, string?>? Settings => null;

    public virtual async ValueTask InitializeAsync()
    {
        App = new AppFactory(Settings);
        BaseAddress = App.Start();
        await WaitForAsync(() => Cluster.Status.IsReachable, "the embedded cluster");
    }

    public virtual async ValueTask DisposeAsync() => await App.DisposeAsync();

    protected static async Task WaitForAsync(Func<bool> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until the monitor's snapshot shows something (it refreshes after admin calls).</summary>
    protected Task WaitForSnapshotAsync(Func<ClusterSnapshot, bool> condition, string what) =>
        WaitForAsync(() => Cluster.Snapshot is { } s && condition(s), what);
}
