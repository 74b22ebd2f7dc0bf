using ControlCenter.Kafka.Cluster;
using Microsoft.AspNetCore.Components;

namespace ControlCenter.Web.Components.Shared;

/// <summary>
/// A component that shows the cluster monitor's state and re-renders itself after every
/// monitor tick, without a reload. (Parameterless children are not re-rendered by their parent.)
/// </summary>
public abstract class ClusterBoundComponent : ComponentBase, IDisposable
{
    [Inject] protected IClusterState Cluster { get; set; } = null!;

    protected override void OnInitialized() => Cluster.Changed += OnClusterChanged;

    private void OnClusterChanged() => InvokeAsync(async () =>
    {
        await OnClusterChangedAsync();
        StateHasChanged();
    });

    /// <summary>Runs on the renderer before re-rendering after a tick.</summary>
    protected virtual Task OnClusterChangedAsync() => Task.CompletedTask;

    public virtual void Dispose()
    {
        Cluster.Changed -= OnClusterChanged;
        GC.SuppressFinalize(this);
    }
}
