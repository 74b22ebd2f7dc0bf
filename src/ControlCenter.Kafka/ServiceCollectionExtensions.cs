using ControlCenter.Kafka.Cluster;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ControlCenter.Kafka;

public static class ServiceCollectionExtensions
{
    /// <summary>Cluster access for the dashboard: options, the connection, the shared admin client and the monitor.</summary>
    public static IServiceCollection AddKafkaControlCenter(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KafkaOptions>().Bind(configuration.GetSection(KafkaOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KafkaOptions>, KafkaOptionsValidator>();
        services.AddOptions<MonitorOptions>().Bind(configuration.GetSection(MonitorOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System); // the app's one clock; tests put a FakeTimeProvider here
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
        services.AddOptions<Masking.MaskingOptions>().Bind(configuration.GetSection(Masking.MaskingOptions.SectionName));
        services.AddSingleton<Masking.MaskingPolicy>();
        services.AddSingleton<Messages.MessageSearch>();
        services.AddSingleton<Messages.MessageProducer>();
        services.AddSingleton<Transactions.TransactionReader>();
        services.TryAddSingleton<Labs.IClusterFaults, Labs.NoClusterFaults>(); // the app puts the embedded cluster's here
        services.AddSingleton<Labs.AcksLab>();
        services.AddSingleton<Labs.CommitStrategyLab>();
        services.AddSingleton<ClusterMonitor>();
        services.AddSingleton<IClusterState>(sp => sp.GetRequiredService<ClusterMonitor>());
        services.AddHostedService(sp => sp.GetRequiredService<ClusterMonitor>());
        services.AddOptions<Alerts.AlertOptions>().Bind(configuration.GetSection(Alerts.AlertOptions.SectionName));
        services.AddHttpClient(nameof(Alerts.AlertNotifier));
        services.AddSingleton<Alerts.AlertNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<Alerts.AlertNotifier>());
        services.AddSingleton<Alerts.AlertManager>();
        services.AddHostedService(sp => sp.GetRequiredService<Alerts.AlertManager>());
        services.AddOptions<Demo.DemoOptions>().Bind(configuration.GetSection(Demo.DemoOptions.SectionName));
        services.AddSingleton<Demo.DemoTraffic>();
        services.AddHostedService(sp => sp.GetRequiredService<Demo.DemoTraffic>());
        return services;
    }
}
