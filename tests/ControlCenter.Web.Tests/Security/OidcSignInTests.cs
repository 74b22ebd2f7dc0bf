using System.Net;
using System.Net.Http.Json;

namespace ControlCenter.Web.Tests.Security;

/// <summary>
/// Auth:Mode=Oidc against an in-process identity provider: the authorization-code flow with
/// PKCE over real HTTP, the provider's groups mapped to roles, and no role, no session.
/// </summary>
public sealed class OidcSignInTests : IAsyncLifetime
{
    private TestIdentityProvider _idp = null!;
    private AppFactory _app = null!;
    private Uri _base = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _idp = await TestIdentityProvider.StartAsync();
        _app = new AppFactory(new()
        {
            ["Auth:Mode"] = "Oidc",
            ["Auth:Oidc:Authority"] = _idp.Authority,
            ["Auth:Oidc:ClientId"] = TestIdentityProvider.ClientId,
            ["Auth:Oidc:ClientSecret"] = TestIdentityProvider.ClientSecret,
            ["Auth:Oidc:RequireHttpsMetadata"] = "false",
            ["Auth:Oidc:RoleMap:kafka-ops"] = "operator",
            ["Auth:Oidc:RoleMap:kafka-admins"] = "admin",
        });
        _base = _app.Start();
        await _app.WaitReachableAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _idp.DisposeAsync();
    }

    /// <summary>A browser-like client: follows redirects (to the provider and back), keeps cookies.</summary>
    private HttpClient Browser() =>
        new(new HttpClientHandler { AllowAutoRedirect = true, CookieContainer = new CookieContainer(), UseCookies = true }) { BaseAddress = _base, Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task AProviderUserSignsInWithTheRolesItsGroupsMapTo()
    {
        _idp.NextUser = ("olivia", ["kafka-ops", "unrelated-group"]);
        using var http = Browser();
        var page = await http.GetAsync("/topics", Cancellation);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(new Uri(_base, "/topics"), page.RequestMessage!.RequestUri); // back where the user started
        string html = await page.Content.ReadAsStringAsync(Cancellation);
        Assert.Contains("olivia", html);
        Assert.Contains("(operator)", html);

        // Operator rights, not admin ones.
        await _app.CreateTopicAsync("oidc-orders");
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/topics/oidc-orders/produce", new { value = "x", valueIsJson = false, acks = "all" }, Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/api/audit/export", Cancellation)).StatusCode);
        var trail = _app.Get<ControlCenter.Access.Audit.AuditLog>().Newest(new(User: "olivia", Action: "signin"), 1);
        Assert.Equal("oidc", Assert.Single(trail).Parameters);
    }

    [Fact]
    public async Task AUserWithoutAMappedGroupGetsNoSession()
    {
        _idp.NextUser = ("mallory", ["visitors"]);
        using var http = Browser();
        var page = await http.GetAsync("/topics", Cancellation);
        Assert.Equal("/login", page.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("gave no role of this dashboard", await page.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/embedded/brokers", Cancellation)).StatusCode);
    }
}
