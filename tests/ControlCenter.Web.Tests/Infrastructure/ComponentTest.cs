using Bunit;
using Microsoft.Extensions.Configuration;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Metrics;
using ControlCenter.Kafka.Topics;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using ControlCenter.Kafka;
using ControlCenter.Kafka.Demo;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ControlCenter.Web.Tests.Infrastructure;

/// <summary>bUnit with MudBlazor in interactive-server mode and a fake cluster.</summary>
public abstract class ComponentTest : BunitContext
{
    protected FakeClusterState Cluster { get; } = new();
    protected FakeTopicAdmin TopicAdmin { get; } = new();
    /// <summary>Kafka:LogDirs of the fake external cluster (the Segments tab reads them); empty unless a test adds some.</summary>
    protected List<string> LogDirs { get; } = [];
    /// <summary>The demo's options, read when a component asks: off unless a test turns it on.</summary>
    protected DemoOptions Demo { get; } = new() { Enabled = false };

    protected ComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddScoped(_ => new ControlCenter.Web.Hosting.CircuitConnection(NullLogger<ControlCenter.Web.Hosting.CircuitConnection>.Instance, new ControlCenter.Web.Hosting.CircuitCount()));
        Services.AddSingleton(TimeProvider.System);
        // Sign-in off (Auth:Mode=None): the layout shows no user; access rules are tested on their own.
        AddAuthorization();
        var access = Options.Create(new ControlCenter.Access.AccessOptions());
        Services.AddSingleton(access);
        var policy = new ControlCenter.Access.AccessPolicy(access.Value);
        Services.AddSingleton(policy);
        // Pages get the user's rights cascaded from the router; here, the admin that Mode=None makes everyone.
        Services.AddCascadingValue(_ => ControlCenter.Web.Security.UserAccess.From(new System.Security.Claims.ClaimsPrincipal(), policy));
        Services.AddSingleton<IClusterState>(Cluster);
        Services.AddSingleton<ITopicAdmin>(TopicAdmin);
        Services.AddSingleton<IPartitionProbe>(new FakeProbe());
        var metrics = new LiveMetrics(Options.Create(new MonitorOptions()));
        Services.AddSingleton(metrics);
        Services.AddSingleton<ITopicRates>(sp => sp.GetRequiredService<LiveMetrics>());
        // A connection to an external cluster that is never contacted: the demo is off for it.
        var connection = new ClusterConnection(Options.Create(new KafkaOptions { BootstrapServers = "broker-a:9092", LogDirs = LogDirs }));
        Services.AddSingleton(new ControlCenter.Kafka.Segments.SegmentService(connection, TimeProvider.System));
        Services.AddSingleton(new DemoTraffic(connection, new ClusterAdmin(connection), Options.Create(Demo), TimeProvider.System,
            NullLogger<DemoTraffic>.Instance));
        Services.AddSingleton<IReplicationDetails>(new NoReplicationDetails());
        Services.AddSingleton(new ReassignmentService(new NoReassignmentApi(), new ClusterAdmin(connection), Cluster, NullLogger<ReassignmentService>.Instance));
        // Alerts as before start-up (no rule evaluated): the app bar's badge shows none firing.
        var alertOptions = Options.Create(new ControlCenter.Kafka.Alerts.AlertOptions());
        var notifier = new ControlCenter.Kafka.Alerts.AlertNotifier([], alertOptions.Value.Notifications, TimeProvider.System, NullLogger<ControlCenter.Kafka.Alerts.AlertNotifier>.Instance);
        Services.AddSingleton(notifier);
        Services.AddSingleton(new ControlCenter.Kafka.Alerts.AlertManager(Cluster, metrics, connection, notifier, alertOptions, TimeProvider.System,
            NullLogger<ControlCenter.Kafka.Alerts.AlertManager>.Instance));
        // One configured cluster (never contacted): the app bar's switcher names it.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Kafka:BootstrapServers"] = "broker-a:9092" }).Build();
        Services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(configuration);
        Services.AddLogging();
        Services.AddSingleton(new ControlCenter.Kafka.Masking.MaskingPolicy(Options.Create(new ControlCenter.Kafka.Masking.MaskingOptions())));
        Services.AddSingleton(Options.Create(new ControlCenter.Kafka.Clusters.ClusterStoreOptions { Directory = Path.Combine(Path.GetTempPath(), "cc-component-clusters") }));
        Services.AddSingleton<ControlCenter.Kafka.Clusters.ClusterRegistry>();
        Services.AddHttpContextAccessor();
        Services.AddScoped<ControlCenter.Web.Clusters.ClusterSelection>();
        SetRendererInfo(new RendererInfo("Server", true));
    }
}
