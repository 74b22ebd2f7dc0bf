using System.Text;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using ControlCenter.Kafka.Messages;
using ControlCenter.SchemaRegistry.Serdes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ControlCenter.SchemaRegistry.Tests;

/// <summary>
/// SchemaRegistry:External=true: a second app uses another registry (here the first app's,
/// behind a gate that demands HTTP Basic credentials, as a hosted registry does) instead of
/// serving its own, passing the configured credentials.
/// </summary>
public class ExternalRegistryTests : SchemaRegistryTestBase
{
    [Fact]
    public async Task TheDashboardDecodesThroughAnExternalRegistryWithBasicAuthAndExplainsARefusal()
    {
        await using var gate = await StartBasicAuthGateAsync("team", "s3cret", Url);
        int id = await Registry.RegisterSchemaAsync("ext-value", new Schema(RegistryApiTests.UserV1, SchemaType.Avro));
        await Clients.CreateTopicAsync(Bootstrap, "ext");
        var serdes = Host.Get<WireFormatSerdes>();
        byte[] encoded = await serdes.EncodeAsync(id, """{"name":"gus"}""");
        using (var producer = Clients.Producer(Bootstrap))
            await producer.ProduceAsync("ext", new Message<byte[]?, byte[]?> { Value = encoded }, Cancellation);

        await using (var external = await ClusterHost.StartAsync(Bootstrap, new()
        {
            ["SchemaRegistry:External"] = "true",
            ["SchemaRegistry:Url"] = gate.Url,
            ["SchemaRegistry:BasicAuthUserInfo"] = "team:s3cret",
        }, (services, configuration) => services.AddSchemaRegistry(configuration)))
        {
            Assert.Null(external.Get<SchemaRegistryServer>().BaseUrl); // it serves no registry of its own
            var page = await external.Get<MessageBrowser>().FirstPageAsync("ext", [0], BrowseStart.Oldest, 10);
            var decoded = Assert.Single(page.Records).ValueDecoded!;
            Assert.Equal(("ext-value", (string?)null), (decoded.Subject, decoded.Error));
            Assert.Contains("\"gus\"", decoded.Json);
            Assert.Equal(["ext-value"], await (await external.Get<SchemaRegistryAccess>().RestAsync(Cancellation)).SubjectsAsync(false, Cancellation));
            Assert.True(gate.Authorized > 0);
        }

        await using (var wrong = await ClusterHost.StartAsync(Bootstrap, new()
        {
            ["SchemaRegistry:External"] = "true",
            ["SchemaRegistry:Url"] = gate.Url,
            ["SchemaRegistry:BasicAuthUserInfo"] = "team:wrong",
        }, (services, configuration) => services.AddSchemaRegistry(configuration)))
        {
            var page = await wrong.Get<MessageBrowser>().FirstPageAsync("ext", [0], BrowseStart.Oldest, 10);
            var refused = Assert.Single(page.Records).ValueDecoded!;
            Assert.Null(refused.Json);
            Assert.Contains("Unauthorized", refused.Error, StringComparison.OrdinalIgnoreCase);
        }
    }

    private sealed class Gate(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;
        public int Authorized;
        public ValueTask DisposeAsync() => app.DisposeAsync();
    }

    /// <summary>A reverse proxy to <paramref name="target"/> that answers 401 unless the request carries these Basic credentials.</summary>
    private static async Task<Gate> StartBasicAuthGateAsync(string user, string password, string target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var http = new HttpClient { BaseAddress = new Uri(target) };
        string expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        Gate? gate = null;
        app.Run(async context =>
        {
            if (context.Request.Headers.Authorization != expected)
            {
                context.Response.StatusCode = 401;
                context.Response.ContentType = "application/vnd.schemaregistry.v1+json";
                await context.Response.WriteAsync("""{"error_code":401,"message":"Unauthorized"}""");
                return;
            }
            Interlocked.Increment(ref gate!.Authorized);
            using var forward = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
            if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            {
                forward.Content = new StreamContent(context.Request.Body);
                forward.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType);
            }
            using var answer = await http.SendAsync(forward);
            context.Response.StatusCode = (int)answer.StatusCode;
            context.Response.ContentType = answer.Content.Headers.ContentType?.ToString();
            await answer.Content.CopyToAsync(context.Response.Body);
        });
        await app.StartAsync();
        string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        gate = new Gate(app, url);
        return gate;
    }
}
