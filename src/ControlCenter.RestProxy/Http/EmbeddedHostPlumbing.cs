using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ControlCenter.RestProxy.Http;

/// <summary>
/// The proxy's host lives inside the dashboard's: it must not react to Ctrl+C or SIGTERM on its
/// own (the dashboard stops it, in order), so its lifetime does nothing.
/// </summary>
internal sealed class InnerHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Sends the proxy host's logs to the dashboard's logger factory (same sinks, same levels).
/// The host's own "Now listening on" lifetime lines are filtered out where it is added: tools
/// read the dashboard's address from that line, and the proxy announces itself separately.
/// </summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);
    public void Dispose() { }
}
