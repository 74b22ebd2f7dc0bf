using ControlCenter.Kafka.Cluster;

namespace ControlCenter.Web.Tests.Infrastructure;

/// <summary>The whole app with its embedded broker on a real Kestrel, per test class (hosting tests, the hub).</summary>
public abstract class AppTest : IAsyncLifetime
{
    protected AppFactory App { get; private set; } = null!;
    protected Uri BaseAddress { get; private set; } = null!;
    protected string Bootstrap => App.Bootstrap;
    protected IClusterState Cluster => App.Cluster;
    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    protected virtual Dictionary<string, string?>? Settings => null;

    public virtual async ValueTask InitializeAsync()
    {
        App = new AppFactory(Settings);
        BaseAddress = App.Start();
        await App.WaitReachableAsync();
    }

    public virtual async ValueTask DisposeAsync() => await App.DisposeAsync();
}
