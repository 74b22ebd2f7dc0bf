using System.Text.RegularExpressions;
using ControlCenter.Web.Tests.Infrastructure;

namespace ControlCenter.Web.Tests.Security;

/// <summary>Every dashboard response carries the security headers; the page's one inline script has the response's nonce.</summary>
public sealed partial class SecurityHeadersTests : AppTest
{
    [GeneratedRegex("<script type=\"importmap\" nonce=\"([^\"]+)\"")]
    private static partial Regex ImportMapNonce();

    [Fact]
    public async Task PagesAndApisCarryTheHeadersAndTheImportMapItsNonce()
    {
        using var http = App.Http(BaseAddress);
        var page = await http.GetAsync("/topics", Cancellation);
        string csp = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        string html = await page.Content.ReadAsStringAsync(Cancellation);
        string nonce = ImportMapNonce().Match(html).Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains($"script-src 'self' 'nonce-{nonce}'", csp);
        Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(page.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(page.Headers.GetValues("Referrer-Policy")));

        // A second response has another nonce; API answers carry the headers too.
        var again = await http.GetAsync("/topics", Cancellation);
        Assert.NotEqual(nonce, ImportMapNonce().Match(await again.Content.ReadAsStringAsync(Cancellation)).Groups[1].Value);
        var api = await http.GetAsync("/api/embedded/brokers", Cancellation);
        Assert.True(api.Headers.Contains("Content-Security-Policy"));
    }
}
