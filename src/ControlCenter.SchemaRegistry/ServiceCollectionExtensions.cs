using ControlCenter.SchemaRegistry.Registry;
using ControlCenter.SchemaRegistry.Serdes;
using ControlCenter.SchemaRegistry.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ControlCenter.SchemaRegistry;

public static class ServiceCollectionExtensions
{
    /// <summary>The embedded registry (its listener and store) or access to an external one, and the wire-format serdes.</summary>
    public static IServiceCollection AddSchemaRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SchemaRegistryOptions>().Bind(configuration.GetSection(SchemaRegistryOptions.SectionName));
        // The embedded registry keeps its schemas on the default cluster.
        services.AddSingleton(sp => sp.GetRequiredService<ControlCenter.Kafka.Clusters.ClusterRegistry>().Default.Create<SchemasTopic>());
        services.AddSingleton(sp => new SchemaRegistryService(sp.GetRequiredService<SchemasTopic>()));
        services.AddSingleton<Http.InternalRegistryCredential>();
        services.AddSingleton(sp => sp.GetRequiredService<ControlCenter.Kafka.Clusters.ClusterRegistry>().Default.Create<SchemaRegistryServer>());
        services.AddHostedService(sp => sp.GetRequiredService<SchemaRegistryServer>());
        services.AddSingleton<SchemaRegistryAccess>();
        services.AddSingleton<WireFormatSerdes>();
        services.AddSingleton<ControlCenter.Kafka.Messages.IRecordDecoder>(sp => sp.GetRequiredService<WireFormatSerdes>());
        // The default cluster uses the app's registry (its container has none: lookups fall back to the app's);
        // another cluster the one at Clusters:<name>:SchemaRegistry:Url, or none.
        services.AddSingleton(new ControlCenter.Kafka.Clusters.ClusterServiceRegistration((cluster, definition, app) =>
        {
            if (definition.IsDefault)
            {
                // Lazily: the registry's server is itself built on the default cluster, which is being built now.
                cluster.AddSingleton(_ => app.GetRequiredService<ControlCenter.Kafka.Messages.IRecordDecoder>());
                return;
            }
            string? url = definition.Options.SchemaRegistry.Url;
            var options = url is { Length: > 0 }
                ? new SchemaRegistryOptions { External = true, Url = url }
                : new SchemaRegistryOptions { Enabled = false, OffReason = $"Cluster {definition.Name} has no schema registry (set Clusters:{definition.Name}:SchemaRegistry:Url)." };
            cluster.AddSingleton(sp => new SchemaRegistryAccess(Microsoft.Extensions.Options.Options.Create(options),
                app.GetRequiredService<SchemaRegistryServer>(), app.GetRequiredService<Http.InternalRegistryCredential>()));
            cluster.AddSingleton(sp => new WireFormatSerdes(sp.GetRequiredService<SchemaRegistryAccess>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<WireFormatSerdes>>()));
            if (options.Enabled) cluster.AddSingleton<ControlCenter.Kafka.Messages.IRecordDecoder>(sp => sp.GetRequiredService<WireFormatSerdes>());
        }, [typeof(SchemaRegistryAccess), typeof(WireFormatSerdes)]));
        return services;
    }
}
