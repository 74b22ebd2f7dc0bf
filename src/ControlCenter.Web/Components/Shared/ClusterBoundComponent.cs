using ControlCenter.Kafka.Cluster;
using ControlCenter.Web.Hosting;
using Microsoft.AspNetCore.Components;

namespace ControlCenter.Web.Components.Shared;

/// <summary>
/// A component that shows the cluster monitor's state and re-renders itself after every
/// monitor tick, without a reload. (Parameterless children are not re-rendered by their parent.)
/// While its circuit's browser is away it does no per-tick work, and catches up when it is back.
/// </summary>
public abstract class ClusterBoundComponent : ComponentBase, IDisposable
{
    [Inject] protected IClusterState Cluster { get; set; } = null!;
    [Inject] private CircuitConnection Circuit { get; set; } = null!;
    private bool _missedTicks;

    protected override void OnInitialized()
    {
        Cluster.Changed += OnClusterChanged;
        Circuit.Reconnected += OnReconnected;
    }

    private void OnClusterChanged()
    {
        if (!Circuit.IsConnected) { _missedTicks = true; return; }
        _ = InvokeAsync(RefreshAsync);
    }

    private void OnReconnected()
    {
        if (!_missedTicks) return;
        _missedTicks = false;
        _ = InvokeAsync(RefreshAsync);
    }

    private async Task RefreshAsync()
    {
        await OnClusterChangedAsync();
        StateHasChanged();
    }

    /// <summary>Runs on the renderer before re-rendering after a tick.</summary>
    protected virtual Task OnClusterChangedAsync() => Task.CompletedTask;

    private bool _disposed;

    /// <summary>
    /// False once the component or its browser connection is going away: MudTabs reports index
    /// changes while its panels are disposed, and a navigation then fails on a dead circuit.
    /// </summary>
    protected bool CanNavigate => !_disposed && Circuit.IsConnected;

    public virtual void Dispose()
    {
        _disposed = true;
        Cluster.Changed -= OnClusterChanged;
        Circuit.Reconnected -= OnReconnected;
        GC.SuppressFinalize(this);
    }
}
