using ControlCenter.RestProxy.Consumers;
using ControlCenter.RestProxy.Produce;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ControlCenter.RestProxy;

public static class ServiceCollectionExtensions
{
    /// <summary>The REST proxy's services and its listener (requests wait for the cluster's endpoint).</summary>
    public static IServiceCollection AddRestProxy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RestProxyOptions>().Bind(configuration.GetSection(RestProxyOptions.SectionName));
        services.AddSingleton<RestProducer>();
        services.AddSingleton<ConsumerInstances>();
        services.AddSingleton<RestProxyServer>();
        services.AddHostedService(sp => sp.GetRequiredService<RestProxyServer>());
        return services;
    }
}
