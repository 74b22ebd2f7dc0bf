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
        services.AddSingleton<SchemasTopic>();
        services.AddSingleton(sp => new SchemaRegistryService(sp.GetRequiredService<SchemasTopic>()));
        services.AddSingleton<Http.InternalRegistryCredential>();
        services.AddSingleton<SchemaRegistryServer>();
        services.AddHostedService(sp => sp.GetRequiredService<SchemaRegistryServer>());
        services.AddSingleton<SchemaRegistryAccess>();
        services.AddSingleton<WireFormatSerdes>();
        services.AddSingleton<ControlCenter.Kafka.Messages.IRecordDecoder>(sp => sp.GetRequiredService<WireFormatSerdes>());
        return services;
    }
}
