using System.Net;
using System.Text.RegularExpressions;

namespace ControlCenter.Web.Tests.Security;

/// <summary>An HTTP client that signs in through the sign-in form, as a browser does (token, cookie).</summary>
public static partial class SignInClient
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    public static partial Regex AntiforgeryField();

    public static HttpClient Create(Uri baseAddress, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies ?? new CookieContainer(), UseCookies = true })
        { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient http, string user, string password, string returnUrl = "%2Ftopics")
    {
        string form = await http.GetStringAsync("/login", TestContext.Current.CancellationToken);
        string token = AntiforgeryField().Match(form).Groups[1].Value;
        Assert.NotEmpty(token);
        return await http.PostAsync($"/login?ReturnUrl={returnUrl}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.User"] = user, ["Input.Password"] = password,
        }), TestContext.Current.CancellationToken);
    }

    /// <summary>A client holding a session of <paramref name="user"/>; its cookies are in <paramref name="cookies"/>.</summary>
    public static async Task<HttpClient> SignedInAsync(Uri baseAddress, string user, string password, CookieContainer cookies)
    {
        var http = Create(baseAddress, cookies);
        var response = await PostLoginAsync(http, user, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{user} could not sign in: {response.StatusCode}");
        return http;
    }
}
