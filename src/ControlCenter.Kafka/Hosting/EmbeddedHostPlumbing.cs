using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Kafka.Hosting;

/// <summary>
/// A listener of its own (REST proxy, schema registry) lives inside the dashboard's: it must not react to Ctrl+C or SIGTERM on its
/// own (the dashboard stops it, in order), so its lifetime does nothing.
/// </summary>
public sealed class InnerHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Sends such a host's logs to the dashboard's logger factory (same sinks, same levels).
/// The host's own "Now listening on" lifetime lines are filtered out where it is added: tools
/// read the dashboard's address from that line, and each such listener announces itself separately.
/// </summary>
public sealed class ForwardingLoggerProvider(ILoggerFactory target) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => target.CreateLogger(categoryName);
    public void Dispose() { }
}
