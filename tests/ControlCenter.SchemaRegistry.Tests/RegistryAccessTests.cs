using System.Net.Http.Headers;
using System.Text;
using Confluent.SchemaRegistry;
using ControlCenter.Access;
using ControlCenter.Access.Users;
using ControlCenter.SchemaRegistry.Serdes;

namespace ControlCenter.SchemaRegistry.Tests;

/// <summary>
/// The embedded registry's API with the dashboard's users (Auth:Mode=Local): Confluent's client
/// with HTTP Basic reads as a viewer, writes only with schema:write on the subject; refusals
/// change nothing; the dashboard's own client keeps working.
/// </summary>
public sealed class RegistryAccessTests : SchemaRegistryTestBase
{
    private const string Password = "registry-pass";
    private static readonly string Hash = PasswordHashing.Hash(Password);
    private const string Avro = """{"type":"record","name":"Pay","fields":[{"name":"amount","type":"long"}]}""";
    private readonly List<IDisposable> _clients = [];

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Auth:Mode"] = "Local",
        ["Auth:Users:vera:PasswordHash"] = Hash, ["Auth:Users:vera:Roles:0"] = "viewer",
        ["Auth:Users:ada:PasswordHash"] = Hash, ["Auth:Users:ada:Roles:0"] = "admin",
        ["Auth:Users:tess:PasswordHash"] = Hash, ["Auth:Users:tess:Roles:0"] = "team",
        ["Auth:Roles:team:Rules:0:Resource"] = "subject", ["Auth:Roles:team:Rules:0:Pattern"] = "team-*",
        ["Auth:Roles:team:Rules:0:Actions:0"] = "view", ["Auth:Roles:team:Rules:0:Actions:1"] = "schema:write",
    };

    protected override void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        services.AddAccessPolicy(configuration);
        base.ConfigureServices(services, configuration);
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        await base.DisposeAsync();
    }

    private CachedSchemaRegistryClient As(string user, string password = Password)
    {
        var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig
        {
            Url = Url, BasicAuthUserInfo = $"{user}:{password}", BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo,
        });
        _clients.Add(client);
        return client;
    }

    private async Task<(int Status, string Body)> CallAsAsync(string? user, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (user is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{Password}")));
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/vnd.schemaregistry.v1+json"));
        using var response = await Http.SendAsync(request, Cancellation);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task WithoutTheRightCredentialsNothingAnswers()
    {
        var (status, body) = await CallAsync(HttpMethod.Get, "/subjects");
        Assert.Equal(401, status);
        Assert.Contains("40101", body);
        var wrong = await Assert.ThrowsAsync<SchemaRegistryException>(() => As("vera", "nope").GetAllSubjectsAsync());
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, wrong.Status);
    }

    [Fact]
    public async Task AViewerReadsAndCannotWrite()
    {
        int id = await As("ada").RegisterSchemaAsync("payroll-value", new Schema(Avro, SchemaType.Avro));
        var viewer = As("vera");
        Assert.Contains("payroll-value", await viewer.GetAllSubjectsAsync());
        Assert.Equal(id, (await viewer.GetLatestSchemaAsync("payroll-value")).Id);
        Assert.Contains("amount", (await viewer.GetSchemaAsync(id)).SchemaString);

        var refused = await Assert.ThrowsAsync<SchemaRegistryException>(() => viewer.RegisterSchemaAsync("payroll-key", new Schema(Avro, SchemaType.Avro)));
        Assert.Equal(40301, refused.ErrorCode);
        Assert.Equal(403, (await CallAsAsync("vera", HttpMethod.Delete, "/subjects/payroll-value")).Status);
        Assert.Equal(403, (await CallAsAsync("vera", HttpMethod.Put, "/config", """{"compatibility":"NONE"}""")).Status);
        Assert.DoesNotContain("payroll-key", await As("ada").GetAllSubjectsAsync());
        Assert.Single(await As("ada").GetSubjectVersionsAsync("payroll-value"));
        Assert.Equal("BACKWARD", (await CallAsAsync("ada", HttpMethod.Get, "/config")).Body.Split('"')[3]);
    }

    [Fact]
    public async Task ACustomRoleWritesItsOwnSubjectsOnly()
    {
        var team = As("tess");
        Assert.True(await team.RegisterSchemaAsync("team-events-value", new Schema(Avro, SchemaType.Avro)) > 0);
        var refused = await Assert.ThrowsAsync<SchemaRegistryException>(() => team.RegisterSchemaAsync("payroll-value", new Schema(Avro, SchemaType.Avro)));
        Assert.Contains("schema:write on subject 'payroll-value'", refused.Message);
        Assert.Equal(403, (await CallAsAsync("tess", HttpMethod.Put, "/config", """{"compatibility":"NONE"}""")).Status); // the global level is every subject's
        Assert.Equal(200, (await CallAsAsync("tess", HttpMethod.Put, "/config/team-events-value", """{"compatibility":"NONE"}""")).Status);
        Assert.DoesNotContain("payroll-value", await As("ada").GetAllSubjectsAsync());
    }

    [Fact]
    public async Task TheDashboardsOwnClientIsNotAskedToSignIn()
    {
        var access = Host.Get<SchemaRegistryAccess>();
        var rest = await access.RestAsync(Cancellation);
        int id = await rest.RegisterAsync("dashboard-value", Avro, ControlCenter.SchemaRegistry.Formats.SchemaType.Avro, [], Cancellation);
        Assert.Equal(id, (await (await access.ClientAsync(Cancellation)).GetSchemaIdAsync("dashboard-value", new Schema(Avro, SchemaType.Avro))));
    }
}
