using Microsoft.Playwright;
using Browser = ControlCenter.Testing.Browser;

namespace ControlCenter.E2E;

/// <summary>One app and one browser shared by a test class.</summary>
public class AppFixture : IAsyncLifetime
{
    public AppProcess App { get; private set; } = null!;
    public Browser Browser { get; private set; } = null!;

    /// <summary>Settings for the app (environment variables), beyond the test defaults.</summary>
    protected virtual (string Key, string Value)[] Settings => [];

    public async ValueTask InitializeAsync()
    {
        App = await AppProcess.StartAsync(Settings);
        Browser = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // Either may be missing when InitializeAsync failed part way: the first failure is the one to report.
        if (Browser is not null) await Browser.DisposeAsync();
        if (App is not null) await App.DisposeAsync();
    }
}
