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
        // Records are decoded with the app's registry on the default cluster, with Clusters:<name>:SchemaRegistry:Url on another.
        services.AddSingleton(new ControlCenter.Kafka.Clusters.ClusterServiceRegistration((cluster, definition, app) =>
        {
            // Lazily: the registry's server is itself built on the default cluster, which is being built now.
            if (definition.IsDefault) cluster.AddSingleton(_ => app.GetRequiredService<ControlCenter.Kafka.Messages.IRecordDecoder>());
            else if (definition.Options.SchemaRegistry.Url is { Length: > 0 } url)
                cluster.AddSingleton<ControlCenter.Kafka.Messages.IRecordDecoder>(sp => new WireFormatSerdes(
                    new SchemaRegistryAccess(Microsoft.Extensions.Options.Options.Create(new SchemaRegistryOptions { External = true, Url = url }),
                        app.GetRequiredService<SchemaRegistryServer>(), app.GetRequiredService<Http.InternalRegistryCredential>()),
                    sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<WireFormatSerdes>>()));
        }));
        return services;
    }
}
