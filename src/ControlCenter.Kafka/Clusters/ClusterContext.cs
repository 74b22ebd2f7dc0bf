using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ControlCenter.Kafka.Clusters;

/// <summary>
/// One cluster's services: its own connection, admin client, monitor, bounded history, alerts
/// and the rest of what AddClusterServices registers, in a container of their own. Anything not
/// per cluster (logging, the clock, masking, notification targets…) comes from the app's container.
/// </summary>
public sealed class ClusterContext : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IServiceProvider _app;
    private readonly IReadOnlySet<Type> _types;

    internal ClusterContext(ClusterDefinition definition, ServiceProvider services, IServiceProvider app, IReadOnlySet<Type> types)
    {
        Definition = definition;
        _services = services;
        _app = app;
        _types = types;
    }

    public ClusterDefinition Definition { get; }
    public string Name => Definition.Name;

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();
    public object? GetService(Type type) => _services.GetService(type);

    /// <summary>Builds an object of the app's that works on this cluster: its cluster services from here, everything else from the app.</summary>
    public T Create<T>() where T : notnull => ActivatorUtilities.CreateInstance<T>(Over(_app));

    /// <summary>A provider that answers this cluster's services from here and everything else from <paramref name="other"/>.</summary>
    public IServiceProvider Over(IServiceProvider other) => new Composite(_services, other, _types);

    internal async Task StartAsync(CancellationToken cancellation)
    {
        foreach (var hosted in _services.GetServices<IHostedService>()) await hosted.StartAsync(cancellation);
    }

    internal async Task StopAsync(CancellationToken cancellation)
    {
        foreach (var hosted in _services.GetServices<IHostedService>().Reverse())
        {
            try { await hosted.StopAsync(cancellation); }
            catch (OperationCanceledException) { }
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    // Only the per-cluster types come from the cluster's container: open generics such as IOptions<T> or
    // ILogger<T> resolve there too, but unconfigured, so they must come from the app. A per-cluster type
    // the cluster does not have (the default cluster's schema registry) is the app's.
    private sealed class Composite(IServiceProvider cluster, IServiceProvider other, IReadOnlySet<Type> types) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            types.Contains(serviceType) ? cluster.GetService(serviceType) ?? other.GetService(serviceType) : other.GetService(serviceType);
    }
}
