using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ControlCenter.Access.Users;
using Confluent.Kafka;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace ControlCenter.Web.Tests.Security;

/// <summary>
/// Every HTTP path and the hub, for each role, over real HTTP against the embedded broker:
/// a refusal is 403 with the reason and changes nothing; what a role may do works.
/// </summary>
public sealed class AccessMatrixTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private static readonly string Hash = PasswordHashing.Hash(Password);

    private readonly AppFactory _app = new(new()
    {
        ["Auth:Mode"] = "Local",
        ["Auth:Users:vera:PasswordHash"] = Hash, ["Auth:Users:vera:Roles:0"] = "viewer",
        ["Auth:Users:otto:PasswordHash"] = Hash, ["Auth:Users:otto:Roles:0"] = "operator",
        ["Auth:Users:ada:PasswordHash"] = Hash, ["Auth:Users:ada:Roles:0"] = "admin",
        ["Auth:Users:tess:PasswordHash"] = Hash, ["Auth:Users:tess:Roles:0"] = "team",
        // A custom role: reads and produces records of team-* topics only, sees the cluster.
        ["Auth:Roles:team:Rules:0:Resource"] = "topic", ["Auth:Roles:team:Rules:0:Pattern"] = "team-*",
        ["Auth:Roles:team:Rules:0:Actions:0"] = "view", ["Auth:Roles:team:Rules:0:Actions:1"] = "messages:read", ["Auth:Roles:team:Rules:0:Actions:2"] = "messages:produce",
        ["Auth:Roles:team:Rules:1:Resource"] = "cluster", ["Auth:Roles:team:Rules:1:Pattern"] = "*", ["Auth:Roles:team:Rules:1:Actions:0"] = "view",
    });
    private Uri _base = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _base = _app.Start();
        await _app.WaitReachableAsync();
        foreach (string topic in new[] { "orders", "team-orders" })
        {
            await _app.CreateTopicAsync(topic);
            using var producer = Clients.Producer(_app.Bootstrap);
            await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = "first"u8.ToArray() }, Cancellation);
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<HttpClient> AsAsync(string user, CookieContainer? cookies = null) =>
        await SignInClient.SignedInAsync(_base, user, Password, cookies ?? new CookieContainer());

    private long EndOffset(string topic)
    {
        using var consumer = Clients.Consumer(_app.Bootstrap);
        return consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).High.Value;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string because)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation)).RootElement;
        Assert.Contains(because, body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("vera", "orders", false)]
    [InlineData("otto", "orders", true)]
    [InlineData("ada", "orders", true)]
    [InlineData("tess", "orders", false)]
    [InlineData("tess", "team-orders", true)]
    public async Task ReadingOneRecordNeedsMessagesRead(string user, string topic, bool allowed)
    {
        using var http = await AsAsync(user);
        var response = await http.GetAsync($"/api/topics/{topic}/records/0/0/value", Cancellation);
        if (!allowed) { await AssertRefusedAsync(response, $"does not allow messages:read on topic '{topic}'"); return; }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("first", await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Theory]
    [InlineData("vera", "orders", false)]
    [InlineData("otto", "orders", true)]
    [InlineData("ada", "orders", true)]
    [InlineData("tess", "team-orders", false)] // reads, but may not take records away in bulk
    public async Task ExportNeedsMessagesExport(string user, string topic, bool allowed)
    {
        using var http = await AsAsync(user);
        var response = await http.GetAsync($"/api/topics/{topic}/export?format=jsonl", Cancellation);
        if (!allowed) { await AssertRefusedAsync(response, "messages:export"); return; }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("first", await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Theory]
    [InlineData("vera", "orders", false)]
    [InlineData("otto", "orders", true)]
    [InlineData("tess", "orders", false)]
    [InlineData("tess", "team-orders", true)]
    public async Task ProducingNeedsMessagesProduceAndARefusalWritesNothing(string user, string topic, bool allowed)
    {
        using var http = await AsAsync(user);
        long before = EndOffset(topic);
        var response = await http.PostAsJsonAsync($"/api/topics/{topic}/produce", new { value = "from " + user, valueIsJson = false, acks = "all" }, Cancellation);
        if (!allowed)
        {
            await AssertRefusedAsync(response, "messages:produce");
            Assert.Equal(before, EndOffset(topic));
            return;
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, EndOffset(topic));
    }

    [Theory]
    [InlineData("vera", false)]
    [InlineData("otto", false)]
    [InlineData("ada", true)]
    public async Task RegisteringASchemaNeedsSchemaWrite(string user, bool allowed)
    {
        using var http = await AsAsync(user);
        string subject = $"matrix-{user}-value";
        var schema = new { schema = """{"type":"record","name":"R","fields":[{"name":"a","type":"string"}]}""", schemaType = "AVRO" };
        var check = await http.PostAsJsonAsync($"/api/schemas/{subject}/check", schema, Cancellation);
        Assert.Equal(HttpStatusCode.OK, check.StatusCode); // checking is reading: every role may
        var response = await http.PostAsJsonAsync($"/api/schemas/{subject}/register", schema, Cancellation);
        var registry = _app.Get<ControlCenter.SchemaRegistry.Serdes.SchemaRegistryAccess>();
        var subjects = await (await registry.RestAsync(Cancellation)).SubjectsAsync(false, Cancellation);
        if (!allowed)
        {
            await AssertRefusedAsync(response, "schema:write");
            Assert.DoesNotContain(subject, subjects);
            return;
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(subject, subjects);
    }

    [Theory]
    [InlineData("vera", false)]
    [InlineData("otto", false)]
    [InlineData("ada", true)]
    public async Task FaultControlsNeedClusterAdmin(string user, bool allowed)
    {
        using var http = await AsAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/embedded/brokers", Cancellation)).StatusCode);
        var response = await http.PostAsync("/api/embedded/brokers/1/stop", null, Cancellation);
        if (!allowed) await AssertRefusedAsync(response, "cluster:admin");
        else Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode); // allowed, and refused by the one-node cluster itself
        Assert.True(_app.Cluster.Status.IsReachable);
    }

    [Fact]
    public async Task HubSubscriptionsAreCheckedOneByOne()
    {
        var cookies = new CookieContainer();
        using (await AsAsync("tess", cookies)) { }
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_base, "hubs/metrics"), o => { o.Transports = HttpTransportType.WebSockets; o.Cookies = cookies; })
            .Build();
        await hub.StartAsync(Cancellation);
        await hub.InvokeAsync<JsonElement>("SubscribeCluster", Cancellation);
        await hub.InvokeAsync<JsonElement>("SubscribeTopic", "team-orders", Cancellation);
        var refused = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonElement>("SubscribeTopic", "orders", Cancellation));
        Assert.Contains("does not allow view on topic 'orders'", refused.Message);
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<JsonElement>("SubscribeGroup", "any-group", Cancellation));
    }

    [Fact]
    public async Task AStrangerGets401FromApisAndTheHub()
    {
        using var http = SignInClient.Create(_base);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/topics/orders/export", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/topics/orders/produce", new { value = "x", acks = "all" }, Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("/hubs/metrics/negotiate?negotiateVersion=1", null, Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync("/topics", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task EveryActLeavesItsAuditEntryAndOnlyAdminsReadThem()
    {
        await _app.CreateTopicAsync("audited");
        using (var otto = await AsAsync("otto"))
        {
            Assert.Equal(HttpStatusCode.OK, (await otto.PostAsJsonAsync("/api/topics/audited/produce", new { value = "v", valueIsJson = false, acks = "all", partition = 0 }, Cancellation)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await otto.GetAsync("/api/topics/audited/export?format=csv", Cancellation)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await otto.GetAsync("/api/audit/export", Cancellation)).StatusCode); // operators do not read the trail
        }
        using (var vera = await AsAsync("vera"))
            Assert.Equal(HttpStatusCode.Forbidden, (await vera.PostAsJsonAsync("/api/topics/audited/produce", new { value = "v", acks = "all" }, Cancellation)).StatusCode);
        // The REST proxy and the registry, with HTTP Basic.
        using (var proxy = new HttpClient { BaseAddress = new Uri(_app.Get<ControlCenter.RestProxy.RestProxyServer>().BaseUrl!) })
        {
            proxy.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("otto:" + Password)));
            var content = new StringContent("""{"records":[{"value":1}]}""", System.Text.Encoding.UTF8, "application/vnd.kafka.json.v2+json");
            Assert.Equal(HttpStatusCode.OK, (await proxy.PostAsync("/topics/audited", content, Cancellation)).StatusCode);
        }
        string registry = await _app.Get<ControlCenter.SchemaRegistry.SchemaRegistryServer>().WhenListeningAsync(Cancellation);
        using (var schemas = new HttpClient { BaseAddress = new Uri(registry) })
        {
            schemas.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("ada:" + Password)));
            var content = new StringContent("""{"schema":"\"string\""}""", System.Text.Encoding.UTF8, "application/vnd.schemaregistry.v1+json");
            Assert.Equal(HttpStatusCode.OK, (await schemas.PostAsync("/subjects/audited-value/versions", content, Cancellation)).StatusCode);
        }

        using var ada = await AsAsync("ada");
        string trail = await ada.GetStringAsync("/api/audit/export?target=audited", Cancellation);
        var entries = trail.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        string Summary(JsonElement e) => $"{e.GetProperty("user").GetString()} {e.GetProperty("action").GetString()} {e.GetProperty("target").GetString()} {e.GetProperty("result").GetString()} {e.GetProperty("via").GetString()}";
        var summaries = entries.Select(Summary).ToList();
        Assert.Contains("otto messages:produce topic:audited ok dashboard", summaries);
        Assert.Contains("otto messages:export topic:audited ok dashboard", summaries);
        Assert.Contains("vera messages:produce topic:audited refused dashboard", summaries);
        Assert.Contains("otto messages:produce topic:audited ok rest-proxy", summaries);
        Assert.Contains("ada schema:write subject:audited-value ok registry", summaries);
        var produce = entries.First(e => Summary(e) == "otto messages:produce topic:audited ok dashboard");
        Assert.Equal("127.0.0.1", produce.GetProperty("client").GetString());
        Assert.Contains("partition=0 acks=all", produce.GetProperty("parameters").GetString());
        Assert.DoesNotContain("\"v\"", produce.GetProperty("parameters").GetString()); // the record's value is not in the trail
        Assert.Contains("otto cluster:admin cluster:default refused", string.Join("\n", (await ada.GetStringAsync("/api/audit/export?user=otto", Cancellation)).Split('\n')
            .Where(l => l.Length > 0).Select(l => Summary(JsonDocument.Parse(l).RootElement))));
    }

    [Fact]
    public async Task TheRestProxyRegistersANewSchemaOnlyForSchemaWritersButLooksKnownOnesUp()
    {
        await _app.CreateTopicAsync("avro-orders");
        string proxyUrl = _app.Get<ControlCenter.RestProxy.RestProxyServer>().BaseUrl!;
        const string body = """{"value_schema":"{\"type\":\"record\",\"name\":\"O\",\"fields\":[{\"name\":\"n\",\"type\":\"int\"}]}","records":[{"value":{"n":1}}]}""";
        async Task<HttpResponseMessage> ProduceAsAsync(string user)
        {
            using var http = new HttpClient { BaseAddress = new Uri(proxyUrl) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{Password}")));
            return await http.PostAsync("/topics/avro-orders", new StringContent(body, System.Text.Encoding.UTF8, "application/vnd.kafka.avro.v2+json"), Cancellation);
        }
        var refused = await ProduceAsAsync("otto");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("schema:write on subject 'avro-orders-value'", await refused.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(0, EndOffset("avro-orders"));
        Assert.Equal(HttpStatusCode.OK, (await ProduceAsAsync("ada")).StatusCode); // registers it
        Assert.Equal(HttpStatusCode.OK, (await ProduceAsAsync("otto")).StatusCode); // now only looked up
        Assert.Equal(2, EndOffset("avro-orders"));
    }
}
