using System.Net;
using System.Text;
using ControlCenter.Access.Users;
using ControlCenter.Web.Endpoints;
using Confluent.Kafka;

namespace ControlCenter.Web.Tests.Security;

/// <summary>
/// Masking rules against the real broker: an operator's download, export and search see the
/// masked record and can never find the masked value; the REST proxy masks what it hands out;
/// admins and exempt roles see the record as written.
/// </summary>
public sealed class MaskingTests : IAsyncLifetime
{
    private const string Password = "mask-pass";
    private const string Card = "4111-1111-1111-1111";
    private static readonly string Hash = PasswordHashing.Hash(Password);

    private readonly AppFactory _app = new(new()
    {
        ["Auth:Mode"] = "Local",
        ["Auth:Users:otto:PasswordHash"] = Hash, ["Auth:Users:otto:Roles:0"] = "operator",
        ["Auth:Users:ada:PasswordHash"] = Hash, ["Auth:Users:ada:Roles:0"] = "admin",
        ["Auth:Users:aud:PasswordHash"] = Hash, ["Auth:Users:aud:Roles:0"] = "auditor",
        ["Auth:Roles:auditor:MaskingExempt"] = "true",
        ["Auth:Roles:auditor:Rules:0:Resource"] = "topic", ["Auth:Roles:auditor:Rules:0:Pattern"] = "*",
        ["Auth:Roles:auditor:Rules:0:Actions:0"] = "view", ["Auth:Roles:auditor:Rules:0:Actions:1"] = "messages:read", ["Auth:Roles:auditor:Rules:0:Actions:2"] = "messages:export",
        ["Masking:Rules:0:Topics"] = "payments-*",
        ["Masking:Rules:0:JsonPaths:0"] = "$.card.number",
        ["Masking:Rules:0:Headers:0"] = "authorization",
        ["Masking:Rules:0:Action"] = "Mask",
        ["Masking:Rules:1:Topics"] = "payments-*",
        ["Masking:Rules:1:Regexes:0"] = @"\d{4}-\d{4}-\d{4}-\d{4}",
    });
    private Uri _base = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _base = _app.Start();
        await _app.WaitReachableAsync();
        await _app.CreateTopicAsync("payments-eu");
        using var producer = Clients.Producer(_app.Bootstrap);
        await producer.ProduceAsync("payments-eu", new Message<byte[]?, byte[]?>
        {
            Key = Encoding.UTF8.GetBytes("\"order-1\""), // JSON, as the REST proxy's json consumers read keys
            Value = Encoding.UTF8.GetBytes($$"""{"card":{"number":"{{Card}}","holder":"Ann"},"note":"backup card {{Card}}"}"""),
            Headers = [new Header("authorization", "Bearer top-secret"u8.ToArray())],
        }, Cancellation);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static string ExportUrl(string? contains) =>
        "/api/topics/payments-eu/export?format=jsonl&q=" + new ExportQuery(contains is null ? ControlCenter.Kafka.Messages.MessageFilter.None
            : new ControlCenter.Kafka.Messages.MessageFilter([new ControlCenter.Kafka.Messages.FilterCondition(ControlCenter.Kafka.Messages.FilterTarget.Value, ControlCenter.Kafka.Messages.FilterKind.Contains, contains)]), null).Encode();

    [Fact]
    public async Task AnOperatorSeesTheRecordMaskedEverywhereAndCannotSearchForTheMaskedValue()
    {
        using var otto = await SignInClient.SignedInAsync(_base, "otto", Password, new CookieContainer());
        string value = await otto.GetStringAsync("/api/topics/payments-eu/records/0/0/value", Cancellation);
        Assert.DoesNotContain(Card, value);
        Assert.Contains("\"number\":\"****\"", value);
        Assert.Contains("backup card ****", value);
        Assert.Contains("\"holder\":\"Ann\"", value);

        string export = await otto.GetStringAsync(ExportUrl(null), Cancellation);
        Assert.Contains("****", export);
        Assert.DoesNotContain(Card, export);
        Assert.DoesNotContain("top-secret", export);
        // Search: the masked value matches nothing, what is shown still matches.
        Assert.Equal("", (await otto.GetStringAsync(ExportUrl("4111"), Cancellation)).Trim());
        Assert.Contains("Ann", await otto.GetStringAsync(ExportUrl("Ann"), Cancellation));
    }

    [Theory]
    [InlineData("ada")]
    [InlineData("aud")] // a custom role exempt from masking
    public async Task ExemptRolesSeeTheRecordAsWritten(string user)
    {
        using var http = await SignInClient.SignedInAsync(_base, user, Password, new CookieContainer());
        Assert.Contains(Card, await http.GetStringAsync("/api/topics/payments-eu/records/0/0/value", Cancellation));
        Assert.Contains(Card, await http.GetStringAsync(ExportUrl("4111"), Cancellation));
    }

    [Fact]
    public async Task TheRestProxyHandsOutMaskedRecords()
    {
        string proxyUrl = _app.Get<ControlCenter.RestProxy.RestProxyServer>().BaseUrl!;
        async Task<string> ReadAsAsync(string user)
        {
            using var http = new HttpClient { BaseAddress = new Uri(proxyUrl) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{Password}")));
            var v2 = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.kafka.v2+json");
            string instance = $"/consumers/mask-{user}/instances/c";
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync($"/consumers/mask-{user}", new StringContent("""{"name":"c","format":"json","auto.offset.reset":"earliest"}""", v2), Cancellation)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsync(instance + "/subscription", new StringContent("""{"topics":["payments-eu"]}""", v2), Cancellation)).StatusCode);
            string records = "[]";
            await Wait.UntilAsync(async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, instance + "/records?timeout=500");
                request.Headers.Accept.ParseAdd("application/vnd.kafka.json.v2+json");
                records = await (await http.SendAsync(request, Cancellation)).Content.ReadAsStringAsync(Cancellation);
                return records != "[]";
            }, $"{user}'s consumer to get the record");
            await http.DeleteAsync(instance, Cancellation);
            return records;
        }
        string masked = await ReadAsAsync("otto");
        Assert.DoesNotContain(Card, masked);
        Assert.Contains("\"number\":\"****\"", masked);
        Assert.Contains(Card, await ReadAsAsync("ada"));
    }
}
