using ControlCenter.Access;
using ControlCenter.Access.Users;
using ControlCenter.Kafka;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Messages;
using ControlCenter.Kafka.Topics;
using ControlCenter.RestProxy.Consumers;
using ControlCenter.RestProxy.Http;
using ControlCenter.Kafka.Hosting;
using ControlCenter.RestProxy.Metadata;
using ControlCenter.RestProxy.Produce;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlCenter.RestProxy;

/// <summary>
/// The REST Proxy on its own Kestrel listener (RestProxy:Url, http://localhost:8082 by default)
/// inside the dashboard's process, sharing its cluster access: the same ClusterConnection,
/// AdminClient and Kafka:Client settings. A host of its own keeps its routes, content types and
/// Confluent-style errors apart from the dashboard's pipeline, and its port apart from --urls.
/// </summary>
public sealed class RestProxyServer(
    IServiceProvider services,
    IOptions<RestProxyOptions> options,
    ControlCenter.Kafka.Clusters.ClusterRegistry clusters,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    ILogger<RestProxyServer> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;
    private CancellationTokenSource? _expiry;
    private Task? _expiryLoop;

    /// <summary>The address it listens on once started (with the real port when 0 was asked), or null when off.</summary>
    public string? BaseUrl { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled) return;
        string url = options.Value.Url;
        var builder = ListenerHost.CreateBuilder(url, loggerFactory);
        // The default cluster's services; a /clusters/{name}/ request gets that cluster's instead (below).
        foreach (var shared in new[] { typeof(ClusterAdmin), typeof(ITopicAdmin), typeof(RestProducer), typeof(ConsumerInstances) })
            builder.Services.AddSingleton(shared, clusters.Default.GetService(shared)!);
        builder.Services.AddSingleton(options);
        // With a schema registry (the app has one unless it is turned off): the avro, jsonschema and protobuf formats.
        foreach (var optional in new[] { typeof(IRecordDecoder), typeof(SchemaProduceReader), typeof(AccessPolicy), typeof(BasicAuthenticator), typeof(ControlCenter.Kafka.Masking.MaskingPolicy) })
            if (services.GetService(optional) is { } instance) builder.Services.AddSingleton(optional, instance);

        var app = builder.Build();
        app.Use(HandleErrorsAsync);
        app.Use(SelectClusterAsync);
        app.UseRouting(); // after the cluster prefix is taken off: endpoints match the rest
        // The dashboard's users (HTTP Basic) when it has sign-in; everyone is admin when it has none (loopback only).
        var (policy, authenticator) = (services.GetService<AccessPolicy>(), services.GetService<BasicAuthenticator>());
        app.Use((context, next) => ProxyAccess.AuthenticateAsync(context, next, policy, authenticator));
        var audit = services.GetService<ControlCenter.Access.Audit.AuditLog>();
        app.Use((context, next) => ProxyAccess.AuditAsync(context, next, audit));
        // The embedded broker may still be starting: requests wait for the cluster's address.
        app.Use(async (context, next) =>
        {
            var cluster = context.Features.Get<ControlCenter.Kafka.Clusters.ClusterContext>() ?? clusters.Default;
            await cluster.Get<ClusterConnection>().WhenReadyAsync(context.RequestAborted);
            await next(context);
        });
        app.UseStatusCodePages(async context =>
        {
            var response = context.HttpContext.Response;
            if (!response.HasStarted && response.ContentLength is null)
                await Reply.ErrorAsync(context.HttpContext, response.StatusCode, response.StatusCode, $"HTTP {response.StatusCode} {ReasonPhrases.GetReasonPhrase(response.StatusCode)}");
        });
        app.MapMetadataEndpoints();
        app.MapProduceEndpoints();
        app.MapConsumerEndpoints();
        BaseUrl = await ListenerHost.StartAsync(app, () => new RestProxyStartupException(
            $"The REST proxy cannot listen on {url}: the port is in use. Set RestProxy:Url (port 0 picks a free one), or RestProxy:Enabled=false to turn it off."), cancellationToken);
        _app = app;
        logger.LogInformation("REST Proxy v2 listening on {Url}", BaseUrl);

        _expiry = new CancellationTokenSource();
        _expiryLoop = ExpireLoopAsync(_expiry.Token);
    }

    private async Task ExpireLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(options.Value.ConsumerInstanceTimeoutMs / 10, 100, 5000)), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
                foreach (var cluster in clusters.All)
                    await cluster.Get<ConsumerInstances>().ExpireAsync();
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>
    /// /clusters/{name}/v2-style paths work on that cluster: the prefix is taken off and the request's
    /// services answer that cluster's admin, producer and consumer instances. Unknown names get 404 40401.
    /// </summary>
    private async Task SelectClusterAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/clusters", StringComparison.Ordinal, out var rest) || !rest.HasValue || rest.Value!.Length < 2)
        {
            await next(context);
            return;
        }
        string tail = rest.Value[1..];
        int slash = tail.IndexOf('/', StringComparison.Ordinal);
        string name = Uri.UnescapeDataString(slash < 0 ? tail : tail[..slash]);
        var cluster = clusters.Get(name) ?? throw new RestException(404, 40401, $"Cluster {name} not found");
        var (path, pathBase, requestServices) = (context.Request.Path, context.Request.PathBase, context.RequestServices);
        context.Request.PathBase = pathBase.Add("/clusters/" + (slash < 0 ? tail : tail[..slash]));
        context.Request.Path = slash < 0 ? "/" : new PathString(tail[slash..]);
        context.RequestServices = cluster.Over(requestServices);
        context.Features.Set(cluster);
        try { await next(context); }
        finally { (context.Request.Path, context.Request.PathBase, context.RequestServices) = (path, pathBase, requestServices); }
    }

    private async Task HandleErrorsAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (RestException e) when (!context.Response.HasStarted)
        {
            await Reply.ErrorAsync(context, e.Status, e.ErrorCode, e.Message);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await Reply.ErrorAsync(context, e.StatusCode, e.StatusCode, e.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested) { }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            logger.LogError(e, "REST proxy request {Method} {Path} failed", context.Request.Method, context.Request.Path);
            await Reply.ErrorAsync(context, 500, 500, "Internal Server Error");
        }
    }

    /// <summary>Stops listening and closes every consumer instance (each leaves its group). Safe to call more than once.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var (expiry, loop, app) = (Interlocked.Exchange(ref _expiry, null), Interlocked.Exchange(ref _expiryLoop, null), Interlocked.Exchange(ref _app, null));
        expiry?.Cancel();
        if (loop is not null) await loop;
        expiry?.Dispose();
        if (app is null) return; // stopped before (or never started)
        await app.StopAsync(cancellationToken);
        await app.DisposeAsync();
        foreach (var cluster in clusters.All) await cluster.Get<ConsumerInstances>().DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}

/// <summary>The REST proxy could not start; the message is for the person running the app.</summary>
public sealed class RestProxyStartupException(string message) : Exception(message);
