using ControlCenter.Kafka.Clusters;
using Microsoft.AspNetCore.Components;

namespace ControlCenter.Web.Clusters;

/// <summary>
/// The cluster a page, an endpoint call or a hub call is about (per scope: a circuit, a request):
/// the /clusters/{name}/ prefix of the request, or of the page's base address in a circuit; the
/// default cluster without one. The app's per-cluster services are resolved through this.
/// </summary>
public sealed class ClusterSelection(ClusterRegistry registry, IHttpContextAccessor http, NavigationManager navigation, IServiceProvider services)
{
    /// <summary>The schema registry of the cluster: the app's for the default one, Clusters:&lt;name&gt;:SchemaRegistry:Url's (or none) for another.</summary>
    public ControlCenter.SchemaRegistry.Serdes.SchemaRegistryAccess SchemaRegistry =>
        Context.GetService(typeof(ControlCenter.SchemaRegistry.Serdes.SchemaRegistryAccess)) as ControlCenter.SchemaRegistry.Serdes.SchemaRegistryAccess
        ?? services.GetRequiredService<ControlCenter.SchemaRegistry.Serdes.SchemaRegistryAccess>();

    private ClusterContext? _context;

    public ClusterContext Context => _context ??= Resolve();

    public string Name => Context.Name;

    public bool IsDefault => Context == registry.Default;

    private ClusterContext Resolve()
    {
        if (http.HttpContext?.Features.Get<ClusterFeature>() is { } feature && registry.Get(feature.Name) is { } fromRequest) return fromRequest;
        if (NameFromBase() is { } name && registry.Get(name) is { } fromPage) return fromPage;
        return registry.Default;
    }

    /// <summary>In a circuit the page's base address names the cluster (/clusters/{name}/); outside one the navigation manager is not set up.</summary>
    private string? NameFromBase()
    {
        string baseUri;
        try { baseUri = navigation.BaseUri; }
        catch (InvalidOperationException) { return null; }
        string path = new Uri(baseUri).AbsolutePath;
        if (!path.StartsWith(ClusterPaths.Prefix + "/", StringComparison.Ordinal)) return null;
        string name = path[(ClusterPaths.Prefix.Length + 1)..].TrimEnd('/');
        return name.Length == 0 || name.Contains('/', StringComparison.Ordinal) ? null : Uri.UnescapeDataString(name);
    }
}

public static class ClusterSelectionExtensions
{
    /// <summary>
    /// Pages and the hub ask for IClusterState, ITopicAdmin…: each is the selected cluster's. A scope
    /// disposes the disposable objects it hands out, so disposable cluster services (admin client,
    /// producers, consumer instances) are not forwarded: pages take those from <see cref="ClusterSelection"/>,
    /// and requests get them through their RequestServices (<see cref="ClusterPaths"/>).
    /// </summary>
    public static IServiceCollection AddClusterSelection(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<ClusterSelection>();
        var registrations = services.Where(d => d.ServiceType == typeof(ClusterServiceRegistration) && d.ImplementationInstance is not null)
            .Select(d => (ClusterServiceRegistration)d.ImplementationInstance!);
        foreach (var type in ClusterRegistry.PerClusterTypesOf(registrations))
        {
            if (type.IsClass && (typeof(IDisposable).IsAssignableFrom(type) || typeof(IAsyncDisposable).IsAssignableFrom(type))) continue;
            if (services.Any(d => d.ServiceType == type)) continue; // the app's own (the default cluster's schema registry)
            services.AddScoped(type, sp => sp.GetRequiredService<ClusterSelection>().Context.GetService(type) switch
            {
                null => throw new InvalidOperationException($"The cluster has no {type.Name}"),
                IDisposable or IAsyncDisposable => throw new InvalidOperationException($"{type.Name} is disposable: take it from ClusterSelection.Context, a scope would dispose it"),
                var service => service,
            });
        }
        return services;
    }
}
