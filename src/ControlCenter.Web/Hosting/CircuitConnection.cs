using Microsoft.AspNetCore.Components.Server.Circuits;

namespace ControlCenter.Web.Hosting;

/// <summary>
/// Whether this circuit's browser is connected. A dropped circuit is kept for a while so the
/// browser can come back; meanwhile pages skip their per-tick work (nothing would reach the
/// screen, and renders would queue up in memory) and catch up once it is back. Drops and
/// returns are logged: a page that stopped updating has a reason in the log.
/// </summary>
public sealed class CircuitConnection(ILogger<CircuitConnection> logger, CircuitCount count) : CircuitHandler
{
    public bool IsConnected { get; private set; } = true;

    /// <summary>Raised when a dropped connection comes back.</summary>
    public event Action? Reconnected;

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        IsConnected = false;
        logger.LogInformation("Circuit {Circuit} lost its browser connection; it is kept for the browser to reconnect", circuit.Id);
        return Task.CompletedTask;
    }

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        bool wasDown = !IsConnected;
        IsConnected = true;
        if (wasDown)
        {
            logger.LogInformation("Circuit {Circuit} reconnected", circuit.Id);
            Reconnected?.Invoke();
        }
        return Task.CompletedTask;
    }

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        count.Opened();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        count.Closed();
        logger.LogDebug("Circuit {Circuit} closed", circuit.Id);
        return Task.CompletedTask;
    }
}

/// <summary>Circuits (open browser tabs, connected or waiting to reconnect) the app holds now.</summary>
public sealed class CircuitCount
{
    private int _open;
    public int Open => Volatile.Read(ref _open);
    internal void Opened() => Interlocked.Increment(ref _open);
    internal void Closed() => Interlocked.Decrement(ref _open);
}
