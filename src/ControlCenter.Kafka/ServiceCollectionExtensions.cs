using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Clusters;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ControlCenter.Kafka;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Cluster access for the dashboard: the registry of clusters (each with its own services, see
    /// <see cref="AddClusterServices"/>) and what all of them share: the clock, masking, notification targets.
    /// </summary>
    public static IServiceCollection AddKafkaControlCenter(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KafkaOptions>().Bind(configuration.GetSection(KafkaOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KafkaOptions>, KafkaOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System); // the app's one clock; tests put a FakeTimeProvider here
        services.AddOptions<Masking.MaskingOptions>().Bind(configuration.GetSection(Masking.MaskingOptions.SectionName));
        services.AddSingleton<Masking.MaskingPolicy>();
        services.AddOptions<Alerts.AlertOptions>().Bind(configuration.GetSection(Alerts.AlertOptions.SectionName));
        services.AddHttpClient(nameof(Alerts.AlertNotifier));
        services.AddSingleton<Alerts.AlertNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<Alerts.AlertNotifier>());
        services.AddOptions<ClusterStoreOptions>().Bind(configuration.GetSection(ClusterStoreOptions.SectionName));
        services.AddSingleton<ClusterRegistry>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterRegistry>());
        return services;
    }

    /// <summary>One cluster's services: the connection, the shared admin client, the monitor and everything reading through them.</summary>
    public static IServiceCollection AddClusterServices(this IServiceCollection services, IConfiguration configuration, ClusterDefinition definition, IServiceProvider app)
    {
        services.AddSingleton(definition);
        services.AddSingleton(Options.Create(definition.Options));
        services.AddOptions<MonitorOptions>().Bind(configuration.GetSection(MonitorOptions.SectionName));
        services.AddSingleton(app.GetRequiredService<Masking.MaskingPolicy>());
        services.AddSingleton(app.GetRequiredService<Alerts.AlertNotifier>());
        services.AddOptions<Alerts.AlertOptions>().Bind(configuration.GetSection(Alerts.AlertOptions.SectionName))
            // Each cluster keeps its own alert history and rules; the default one where it always has.
            .PostConfigure(o => { if (!definition.IsDefault) o.Directory = Path.Combine(o.Directory, "clusters", definition.Name); });
        services.AddSingleton<ClusterConnection>();
        services.AddSingleton<ClusterAdmin>();
        services.AddSingleton<ClusterSnapshotReader>();
        services.AddSingleton<Metrics.LiveMetrics>();
        services.AddSingleton<Metrics.ITopicRates>(sp => sp.GetRequiredService<Metrics.LiveMetrics>());
        services.AddSingleton<Segments.SegmentService>();
        services.AddSingleton<Topics.TopicAdmin>();
        services.AddSingleton<Topics.ITopicAdmin>(sp => sp.GetRequiredService<Topics.TopicAdmin>());
        services.AddSingleton<Topics.IPartitionProbe, Topics.PartitionProbe>();
        services.TryAddSingleton<Topics.IReassignmentApi, Topics.NoReassignmentApi>(); // the app puts its own request path here
        services.AddSingleton<Topics.ReassignmentService>();
        services.TryAddSingleton<Topics.IReplicationDetails, Topics.NoReplicationDetails>(); // the embedded cluster's are put here by the app
        services.AddSingleton<Groups.GroupReader>();
        services.AddSingleton<Groups.RecordTimestamps>();
        services.AddSingleton<Groups.GroupLagTracker>();
        services.AddSingleton<Groups.IGroupAdmin, Groups.GroupAdmin>();
        services.AddSingleton<Messages.MessageBrowser>();
        services.AddSingleton<Messages.MessageSearch>();
        services.AddSingleton<Messages.MessageProducer>();
        services.AddSingleton<Transactions.TransactionReader>();
        services.TryAddSingleton<Labs.IClusterFaults, Labs.NoClusterFaults>(); // the app puts the embedded cluster's here
        services.AddSingleton<Labs.AcksLab>();
        services.AddSingleton<Labs.CommitStrategyLab>();
        services.AddSingleton<ClusterMonitor>();
        services.AddSingleton<IClusterState>(sp => sp.GetRequiredService<ClusterMonitor>());
        services.AddHostedService(sp => sp.GetRequiredService<ClusterMonitor>());
        services.AddSingleton<Alerts.AlertManager>();
        services.AddHostedService(sp => sp.GetRequiredService<Alerts.AlertManager>());
        services.AddOptions<Demo.DemoOptions>().Bind(configuration.GetSection(Demo.DemoOptions.SectionName));
        services.AddSingleton<Demo.DemoTraffic>();
        services.AddHostedService(sp => sp.GetRequiredService<Demo.DemoTraffic>());
        return services;
    }

    /// <summary>
    /// The types <see cref="AddClusterServices"/> registers that the app's pages, endpoints and hub
    /// ask for: the app forwards each to the cluster a request or a page is about.
    /// </summary>
    public static readonly Type[] PerClusterTypes =
    [
        typeof(ClusterDefinition), typeof(ClusterConnection), typeof(ClusterAdmin), typeof(ClusterSnapshotReader), typeof(Metrics.LiveMetrics), typeof(Metrics.ITopicRates),
        typeof(Segments.SegmentService), typeof(Topics.TopicAdmin), typeof(Topics.ITopicAdmin), typeof(Topics.IPartitionProbe), typeof(Topics.IReassignmentApi),
        typeof(Topics.ReassignmentService), typeof(Topics.IReplicationDetails), typeof(Groups.GroupReader), typeof(Groups.RecordTimestamps), typeof(Groups.GroupLagTracker),
        typeof(Groups.IGroupAdmin), typeof(Messages.MessageBrowser), typeof(Messages.MessageSearch), typeof(Messages.MessageProducer), typeof(Transactions.TransactionReader),
        typeof(Labs.IClusterFaults), typeof(Labs.AcksLab), typeof(Labs.CommitStrategyLab), typeof(ClusterMonitor), typeof(IClusterState), typeof(Alerts.AlertManager),
        typeof(Demo.DemoTraffic),
    ];
}
