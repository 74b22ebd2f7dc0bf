using ControlCenter.RestProxy;
using ControlCenter.Web.Tests.Infrastructure;

namespace ControlCenter.Web.Tests.RestProxy;

/// <summary>The app with its embedded broker, and an HTTP client on its REST proxy (on a free port).</summary>
public abstract class RestProxyTestBase : AppTestBase
{
    protected RestProxyClient Rest { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Rest = new RestProxyClient(App.Get<RestProxyServer>().BaseUrl!);
    }

    public override async ValueTask DisposeAsync()
    {
        Rest.Dispose();
        await base.DisposeAsync();
    }
}
