using ControlCenter.RestProxy.Consumers;
using ControlCenter.RestProxy.Produce;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ControlCenter.RestProxy;

public static class ServiceCollectionExtensions
{
    /// <summary>The REST proxy's services and its listener (requests wait for the cluster's endpoint). Call after AddSchemaRegistry for the schema formats.</summary>
    public static IServiceCollection AddRestProxy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RestProxyOptions>().Bind(configuration.GetSection(RestProxyOptions.SectionName));
        // Each cluster has its own producer and consumer instances (/clusters/{name}/… paths; the v2 paths use the default cluster).
        services.AddSingleton(new ControlCenter.Kafka.Clusters.ClusterServiceRegistration((cluster, _, app) =>
        {
            cluster.AddSingleton(app.GetRequiredService<Microsoft.Extensions.Options.IOptions<RestProxyOptions>>());
            cluster.AddSingleton<RestProducer>();
            cluster.AddSingleton(sp => new ConsumerInstances(sp.GetRequiredService<ControlCenter.Kafka.ClusterConnection>(), sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<RestProxyOptions>>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ConsumerInstances>>(), sp.GetService<ControlCenter.Kafka.Messages.IRecordDecoder>())); // the cluster's own registry
        }, [typeof(RestProducer), typeof(ConsumerInstances)]));
        // The schema formats need the app's registry (AddSchemaRegistry, called first); without it they are refused with 415.
        if (services.Any(d => d.ServiceType == typeof(ControlCenter.SchemaRegistry.Serdes.WireFormatSerdes)))
            services.AddSingleton<SchemaProduceReader>();
        services.AddSingleton<RestProxyServer>();
        services.AddHostedService(sp => sp.GetRequiredService<RestProxyServer>());
        return services;
    }
}
