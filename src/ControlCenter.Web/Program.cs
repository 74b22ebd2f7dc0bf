using ControlCenter.Broker;
using ControlCenter.Kafka;
using ControlCenter.RestProxy;
using ControlCenter.SchemaRegistry;
using ControlCenter.Web.Clusters;
using ControlCenter.Web.Components;
using ControlCenter.Web.Endpoints;
using ControlCenter.Web.Hosting;
using ControlCenter.Web.Hubs;
using ControlCenter.Web.Security;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using MudBlazor.Services;

if (args is [ControlCenter.Web.Security.HashPasswordCommand.Name, ..])
    return ControlCenter.Web.Security.HashPasswordCommand.Run(Console.In, Console.Out, Console.Error, interactive: !Console.IsInputRedirected);

var builder = WebApplication.CreateBuilder(args);
// http://localhost:9021 unless --urls / ASPNETCORE_URLS say otherwise. Loopback only by default.
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["Kestrel:Endpoints:Http:Url"]))
    builder.WebHost.UseUrls("http://localhost:9021");

var problems = StartupChecks.Run(builder.Configuration);
if (problems.Count > 0)
{
    Console.Error.WriteLine("Kafka Control Center cannot start:");
    foreach (var problem in problems) Console.Error.WriteLine("  - " + problem);
    return 2;
}

builder.Services.AddOptions<BrokerOptions>().Bind(builder.Configuration.GetSection(BrokerOptions.SectionName));
// Hosted services stop in reverse order: the embedded broker, registered first, stops after everything using it.
builder.Services.AddSingleton<EmbeddedBrokerService>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBrokerService>());
builder.Services.AddSingleton(new ControlCenter.Kafka.Clusters.ClusterServiceRegistration((services, cluster, app) =>
{
    services.AddSingleton<ControlCenter.Kafka.Topics.IReassignmentApi, WireReassignmentApi>(); // any cluster takes reassignments over the wire
    if (!cluster.IsEmbedded) return;
    var embedded = app.GetRequiredService<EmbeddedBrokerService>();
    services.AddSingleton<ControlCenter.Kafka.Labs.IClusterFaults>(new EmbeddedClusterFaults(embedded));
    services.AddSingleton<ControlCenter.Kafka.Topics.IReplicationDetails>(new EmbeddedReplicationDetails(embedded));
}));
builder.Services.AddKafkaControlCenter(builder.Configuration);
builder.Services.AddSchemaRegistry(builder.Configuration);
builder.Services.AddRestProxy(builder.Configuration);
builder.Services.AddClusterSelection(); // last: it forwards what the others register per cluster

builder.Services.AddControlCenterAccess(builder.Configuration);
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddSingleton<CircuitCount>();
builder.Services.AddScoped<CircuitConnection>();
builder.Services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(sp => sp.GetRequiredService<CircuitConnection>());
builder.Services.AddSignalR();
builder.Services.AddSingleton<HubSubscriptions>();
builder.Services.AddSingleton<MetricsBroadcaster>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<MetricsBroadcaster>());
builder.Services.AddHostedService<AlertBroadcaster>();
builder.Services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster");

var app = builder.Build();

if (!app.Environment.IsDevelopment())
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
app.UseSecurityHeaders();
app.UseClusterPaths();
app.UseRouting(); // after the cluster prefix is taken off: endpoints match the rest
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = ClusterHealthCheck.WriteResponse }).AllowAnonymous();
app.MapAccessEndpoints();
app.MapMessageEndpoints();
app.MapProduceEndpoints();
app.MapSchemaEndpoints();
app.MapEmbeddedClusterEndpoints();
app.MapAuditEndpoints();
app.MapHub<MetricsHub>(MetricsHub.Path);
app.MapStaticAssets().AllowAnonymous(); // the sign-in page needs its styles
// Our own policy (SecurityHeaders) already forbids framing, with 'none' instead of Blazor's 'self'.
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);

try
{
    await app.StartAsync();
}
catch (Exception e) when (e is StartupException or RestProxyStartupException or SchemaRegistryStartupException || e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    string reason = e is StartupException or RestProxyStartupException or SchemaRegistryStartupException ? e.Message
        : $"{e.Message} Another process uses that address: pass --urls http://localhost:<port> to pick another.";
    Console.Error.WriteLine("Kafka Control Center cannot start:");
    Console.Error.WriteLine("  - " + reason);
    // Hosted services that did start (embedded broker, monitor, demo) must stop before the
    // container disposes the librdkafka handles they use: disposing alone leaves them running
    // against freed native clients, which crashes the process instead of exiting with 2.
    using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
    {
        try { await app.StopAsync(timeout.Token); }
        catch (OperationCanceledException) { } // slow to stop (a busy machine): exit with the reason anyway
    }
    await app.DisposeAsync();
    return 2;
}
await app.WaitForShutdownAsync();
await app.DisposeAsync();
return 0;

/// <summary>Entry point type, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
