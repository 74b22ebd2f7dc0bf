using ControlCenter.Access;
using ControlCenter.Access.Users;
using static ControlCenter.RestProxy.Tests.RestProxyClient;

namespace ControlCenter.RestProxy.Tests;

/// <summary>
/// The REST proxy with the dashboard's users (Auth:Mode=Local): HTTP Basic on every call, and
/// per-topic and per-group rights from the same roles as the pages; refusals change nothing.
/// </summary>
public sealed class RestAccessTests : RestProxyTestBase
{
    private const string Password = "s3cret-for-scripts";
    private static readonly string Hash = PasswordHashing.Hash(Password);
    private readonly List<RestProxyClient> _clients = [];

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Auth:Mode"] = "Local",
        ["Auth:Users:vera:PasswordHash"] = Hash, ["Auth:Users:vera:Roles:0"] = "viewer",
        ["Auth:Users:otto:PasswordHash"] = Hash, ["Auth:Users:otto:Roles:0"] = "operator",
        ["Auth:Users:tess:PasswordHash"] = Hash, ["Auth:Users:tess:Roles:0"] = "team",
        ["Auth:Roles:team:Rules:0:Resource"] = "topic", ["Auth:Roles:team:Rules:0:Pattern"] = "team-*",
        ["Auth:Roles:team:Rules:0:Actions:0"] = "view", ["Auth:Roles:team:Rules:0:Actions:1"] = "messages:read", ["Auth:Roles:team:Rules:0:Actions:2"] = "messages:produce",
        ["Auth:Roles:team:Rules:1:Resource"] = "group", ["Auth:Roles:team:Rules:1:Pattern"] = "team-*", ["Auth:Roles:team:Rules:1:Actions:0"] = "view",
    };

    protected override void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.AddAccessPolicy(configuration);
        base.ConfigureServices(services, configuration);
    }

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Clients.CreateTopicAsync(Bootstrap, "payroll");
        await Clients.CreateTopicAsync(Bootstrap, "team-events");
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        await base.DisposeAsync();
    }

    private RestProxyClient As(string user, string password = Password)
    {
        var client = new RestProxyClient(Rest.BaseUrl, user, password);
        _clients.Add(client);
        return client;
    }

    private long EndOffset(string topic)
    {
        using var consumer = Clients.Consumer(Bootstrap);
        return consumer.QueryWatermarkOffsets(new Confluent.Kafka.TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).High.Value;
    }

    [Fact]
    public async Task NoOrWrongCredentialsGet401WithAChallenge()
    {
        AssertError(await Rest.GetAsync("/topics"), 401, 40101);
        using (var raw = new HttpClient { BaseAddress = new Uri(Rest.BaseUrl) })
        {
            var challenge = await raw.GetAsync("/topics", Cancellation);
            Assert.Equal("Basic", Assert.Single(challenge.Headers.WwwAuthenticate).Scheme);
        }
        AssertError(await As("vera", "not her password").GetAsync("/topics"), 401, 40101);
        AssertError(await As("nobody").PostAsync("/topics/payroll", """{"records":[{"value":1}]}""", Json), 401, 40101);
        Assert.Equal(0, EndOffset("payroll"));
        Assert.Equal(200, (await As("vera").GetAsync("/topics")).Status);
    }

    [Fact]
    public async Task TopicsAreListedAndShownOnlyWhereTheRoleMaySeeThem()
    {
        var all = await As("vera").GetAsync("/topics");
        Assert.Equal(["payroll", "team-events"], all.Body.EnumerateArray().Select(t => t.GetString()).Where(t => t is "payroll" or "team-events").ToArray());
        var team = await As("tess").GetAsync("/topics");
        Assert.Equal(["team-events"], team.Body.EnumerateArray().Select(t => t.GetString()!).ToArray());
        AssertError(await As("tess").GetAsync("/topics/payroll"), 403, 40301);
        Assert.Equal(200, (await As("tess").GetAsync("/topics/team-events/partitions")).Status);
    }

    [Fact]
    public async Task ProducingNeedsMessagesProduceOnTheTopic()
    {
        const string records = """{"records":[{"value":{"amount":1}}]}""";
        var refused = await As("vera").PostAsync("/topics/payroll", records, Json);
        AssertError(refused, 403, 40301);
        Assert.Contains("messages:produce", refused.Body.GetProperty("message").GetString());
        AssertError(await As("tess").PostAsync("/topics/payroll/partitions/0", records, Json), 403, 40301);
        Assert.Equal(0, EndOffset("payroll"));

        Assert.Equal(200, (await As("otto").PostAsync("/topics/payroll", records, Json)).Status);
        Assert.Equal(200, (await As("tess").PostAsync("/topics/team-events", records, Json)).Status);
        Assert.Equal(1, EndOffset("payroll"));
        Assert.Equal(1, EndOffset("team-events"));
    }

    [Fact]
    public async Task ConsumingNeedsReadRightsOnEveryTopicAndAnInstanceIsItsCreators()
    {
        var tess = As("tess");
        AssertError(await tess.PostAsync("/consumers/payroll-readers", """{"name":"c1","format":"json"}"""), 403, 40301);
        var created = await tess.PostAsync("/consumers/team-readers", """{"name":"c1","format":"json","auto.offset.reset":"earliest"}""");
        Assert.Equal(200, created.Status);
        const string instance = "/consumers/team-readers/instances/c1";
        AssertError(await tess.PostAsync(instance + "/subscription", """{"topics":["team-events","payroll"]}"""), 403, 40301);
        AssertError(await tess.PostAsync(instance + "/subscription", """{"topic_pattern":"team-.*"}"""), 403, 40301); // a pattern may match any topic
        AssertError(await tess.PostAsync(instance + "/assignments", """{"partitions":[{"topic":"payroll","partition":0}]}"""), 403, 40301);
        Assert.Equal(204, (await tess.PostAsync(instance + "/subscription", """{"topics":["team-events"]}""")).Status);

        // Another user (operator) cannot use or delete tess's instance: to them it does not exist.
        var otto = As("otto");
        AssertError(await otto.GetAsync(instance + "/records", Json), 404, 40403);
        AssertError(await otto.DeleteAsync(instance), 404, 40403);
        Assert.Equal(200, (await tess.GetAsync(instance + "/subscription")).Status);
        Assert.Equal(204, (await tess.DeleteAsync(instance)).Status);
    }
}
