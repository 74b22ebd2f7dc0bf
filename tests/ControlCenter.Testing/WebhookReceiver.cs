using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Testing;

/// <summary>
/// A local HTTP endpoint that records every POST (path, JSON body, the status it answered) and
/// answers what <see cref="Respond"/> says for each request (200 unless told otherwise).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Call(string Path, JsonElement Body, int Status);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Call> _calls = new();
    private int _count;

    /// <summary>Given the request's 1-based number and its path, the status to answer.</summary>
    public Func<int, string, int> Respond { get; set; } = (_, _) => 200;

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<Call> Calls => _calls.ToList();

    /// <summary>Calls that were answered 2xx.</summary>
    public IEnumerable<Call> Accepted => Calls.Where(c => c.Status is >= 200 and < 300);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            int status = receiver.Respond(Interlocked.Increment(ref receiver._count), context.Request.Path);
            receiver._calls.Enqueue(new Call(context.Request.Path, body.RootElement.Clone(), status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        receiver.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
