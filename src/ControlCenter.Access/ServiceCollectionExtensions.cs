using ControlCenter.Access.Users;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ControlCenter.Access;

public static class ServiceCollectionExtensions
{
    /// <summary>The Auth section and what decides on it: the policy, the local users, HTTP Basic and the failed-sign-in limit.</summary>
    public static IServiceCollection AddAccessPolicy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AccessOptions>().Bind(configuration.GetSection(AccessOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new AccessPolicy(sp.GetRequiredService<IOptions<AccessOptions>>().Value));
        services.AddSingleton(sp => new LocalUsers(sp.GetRequiredService<IOptions<AccessOptions>>().Value));
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<BasicAuthenticator>();
        return services;
    }

    /// <summary>The audit trail (Audit section): append-only daily files with retention.</summary>
    public static IServiceCollection AddAuditLog(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Audit.AuditOptions>().Bind(configuration.GetSection(Audit.AuditOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Audit.AuditLog>();
        return services;
    }
}
