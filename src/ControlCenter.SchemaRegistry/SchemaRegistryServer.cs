using ControlCenter.Kafka;
using ControlCenter.Kafka.Hosting;
using ControlCenter.SchemaRegistry.Http;
using ControlCenter.SchemaRegistry.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlCenter.SchemaRegistry;

/// <summary>
/// The embedded registry on its own Kestrel listener (SchemaRegistry:Url, http://localhost:8081
/// by default) inside the dashboard's process, storing into the managed cluster. Off when the
/// registry is external or disabled.
/// </summary>
public sealed class SchemaRegistryServer(
    IOptions<SchemaRegistryOptions> options,
    SchemaRegistryService registry,
    ClusterConnection connection,
    InternalRegistryCredential internalCredential,
    IServiceProvider services,
    ILoggerFactory loggerFactory,
    ILogger<SchemaRegistryServer> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;
    private readonly TaskCompletionSource<string> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The address it listens on once started (with the real port when 0 was asked), or null when not serving.</summary>
    public string? BaseUrl => _url.Task.IsCompletedSuccessfully ? _url.Task.Result : null;

    /// <summary>Completes with the address once listening.</summary>
    public Task<string> WhenListeningAsync(CancellationToken cancellation) => _url.Task.WaitAsync(cancellation);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled || options.Value.External) return;
        string url = options.Value.Url;
        var builder = ListenerHost.CreateBuilder(url, loggerFactory);
        builder.Services.AddSingleton(registry);

        var app = builder.Build();
        app.Use(HandleErrorsAsync);
        // The dashboard's users (HTTP Basic) when it has sign-in; the dashboard itself with its own credential.
        var (policy, authenticator) = (services.GetService<ControlCenter.Access.AccessPolicy>(), services.GetService<ControlCenter.Access.Users.BasicAuthenticator>());
        var audit = services.GetService<ControlCenter.Access.Audit.AuditLog>();
        app.Use((context, next) => RegistryAccess.AuthorizeAsync(context, next, policy, authenticator, internalCredential, audit));
        // The embedded broker may still be starting; the store loads on the first request.
        app.Use(async (context, next) =>
        {
            await connection.WhenReadyAsync(context.RequestAborted);
            await registry.EnsureLoadedAsync(context.RequestAborted);
            await next(context);
        });
        app.UseStatusCodePages(async context =>
        {
            var response = context.HttpContext.Response;
            if (!response.HasStarted && response.ContentLength is null)
                await RegistryHttp.ErrorAsync(context.HttpContext, response.StatusCode, response.StatusCode, $"HTTP {response.StatusCode} {ReasonPhrases.GetReasonPhrase(response.StatusCode)}");
        });
        app.MapRegistryEndpoints();
        string address = await ListenerHost.StartAsync(app, () => new SchemaRegistryStartupException(
            $"The schema registry cannot listen on {url}: the port is in use. Set SchemaRegistry:Url (port 0 picks a free one), SchemaRegistry:External=true to use the registry already there, or SchemaRegistry:Enabled=false to turn it off."),
            cancellationToken);
        _app = app;
        _url.TrySetResult(address);
        logger.LogInformation("Schema Registry listening on {Url}", address);
    }

    private async Task HandleErrorsAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (RegistryException e) when (!context.Response.HasStarted)
        {
            await RegistryHttp.ErrorAsync(context, e.Status, e.ErrorCode, e.Message);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await RegistryHttp.ErrorAsync(context, e.StatusCode, e.StatusCode, e.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested) { }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            logger.LogError(e, "Schema registry request {Method} {Path} failed", context.Request.Method, context.Request.Path);
            await RegistryHttp.ErrorAsync(context, 500, 50001, "Error in the backend data store");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var app = Interlocked.Exchange(ref _app, null);
        if (app is null) return;
        await app.StopAsync(cancellationToken);
        await app.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}

/// <summary>The registry could not start; the message is for the person running the app.</summary>
public sealed class SchemaRegistryStartupException(string message) : Exception(message);
