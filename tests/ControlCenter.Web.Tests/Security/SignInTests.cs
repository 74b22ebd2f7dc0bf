using System.Net;
using ControlCenter.Access.Users;

namespace ControlCenter.Web.Tests.Security;

/// <summary>Auth:Mode=Local over real HTTP: nothing answers a stranger, a user signs in and out with the form.</summary>
public sealed class SignInTests : IAsyncLifetime
{
    private readonly AppFactory _app = new(new()
    {
        ["Auth:Mode"] = "Local",
        ["Auth:Users:alice:PasswordHash"] = PasswordHashing.Hash("wonderland"),
        ["Auth:Users:alice:Roles:0"] = "operator",
    });
    private Uri _base = null!;

    public ValueTask InitializeAsync()
    {
        _base = _app.Start();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Client(CookieContainer? cookies = null) => SignInClient.Create(_base, cookies);

    private static Task<HttpResponseMessage> PostLoginAsync(HttpClient http, string user, string password) => SignInClient.PostLoginAsync(http, user, password);

    [Theory]
    [InlineData("/")]
    [InlineData("/topics")]
    [InlineData("/api/topics/orders/export")]
    [InlineData("/_blazor/negotiate?negotiateVersion=1")]
    [InlineData("/hubs/metrics/negotiate?negotiateVersion=1")]
    public async Task NothingAnswersAStranger(string path)
    {
        using var http = Client();
        var response = path.Contains("negotiate")
            ? await http.PostAsync(path, null, TestContext.Current.CancellationToken)
            : await http.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Unauthorized, $"{path}: {response.StatusCode}");
        if (response.StatusCode == HttpStatusCode.Redirect) Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery.Replace(_base.ToString(), "/"));
    }

    [Fact]
    public async Task TheSignInPageAndHealthAnswerEveryone()
    {
        using var http = Client();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/login", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task AWrongPasswordIsRefusedAndTheRightOneOpensASessionUntilSignOut()
    {
        var cookies = new CookieContainer();
        using var http = Client(cookies);
        var wrong = await PostLoginAsync(http, "alice", "Wonderland");
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("Unknown user or wrong password.", await wrong.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.DoesNotContain(cookies.GetCookies(_base), c => c.Name == "cc.session");

        var right = await PostLoginAsync(http, "alice", "wonderland");
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal(new Uri(_base, "/topics"), new Uri(_base, right.Headers.Location!));
        var session = Assert.Single(cookies.GetCookies(_base), c => c.Name == "cc.session");
        Assert.True(session.HttpOnly);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/topics", TestContext.Current.CancellationToken)).StatusCode);

        // Signing out is a form post with the page's token: without it nothing happens.
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("/logout", null, TestContext.Current.CancellationToken)).StatusCode);
        string page = await http.GetStringAsync("/topics", TestContext.Current.CancellationToken);
        string token = SignInClient.AntiforgeryField().Match(page).Groups[1].Value;
        var signedOut = await http.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync("/topics", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task AReturnUrlToAnotherSiteIsIgnored()
    {
        using var http = Client();
        string form = await http.GetStringAsync("/login", TestContext.Current.CancellationToken);
        string token = SignInClient.AntiforgeryField().Match(form).Groups[1].Value;
        var response = await http.PostAsync("/login?ReturnUrl=%2F%2Fevil.example", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.User"] = "alice", ["Input.Password"] = "wonderland",
        }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(new Uri(_base, "/"), new Uri(_base, response.Headers.Location!));
    }
}
