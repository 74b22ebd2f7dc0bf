using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ControlCenter.Testing;

/// <summary>
/// A minimal OpenID Connect provider on a free loopback port, for sign-in tests: discovery, keys,
/// an authorization endpoint that signs in <see cref="NextUser"/> at once (no login form), and a
/// token endpoint that checks the client secret and PKCE and issues an RS256 id_token with the
/// user's name, groups and the request's nonce.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "control-center", ClientSecret = "test-secret";

    private sealed record Grant(string User, IReadOnlyList<string> Groups, string Nonce, string Challenge, string RedirectUri);

    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "test-key" };
    private readonly ConcurrentDictionary<string, Grant> _codes = new();

    /// <summary>Who the next authorization request signs in, and their groups.</summary>
    public (string User, string[] Groups) NextUser { get; set; } = ("olivia", []);

    public string Authority { get; private set; } = "";

    private TestIdentityProvider(WebApplication app) => _app = app;

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var provider = new TestIdentityProvider(app);
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = provider.Authority,
            ["authorization_endpoint"] = provider.Authority + "/authorize",
            ["token_endpoint"] = provider.Authority + "/token",
            ["jwks_uri"] = provider.Authority + "/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(provider._key.Rsa.ExportParameters(false)) { KeyId = provider._key.KeyId });
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        app.MapGet("/authorize", (HttpRequest request) => provider.Authorize(request));
        app.MapPost("/token", async (HttpRequest request) => provider.Token(await request.ReadFormAsync()));
        await app.StartAsync();
        provider.Authority = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return provider;
    }

    private IResult Authorize(HttpRequest request)
    {
        var q = request.Query;
        if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256")
            return Results.BadRequest("unsupported request");
        string code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _codes[code] = new Grant(NextUser.User, NextUser.Groups, q["nonce"].ToString(), q["code_challenge"].ToString(), q["redirect_uri"].ToString());
        return Results.Redirect($"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"].ToString())}");
    }

    private IResult Token(IFormCollection form)
    {
        if (form["grant_type"] != "authorization_code" || !_codes.TryRemove(form["code"].ToString(), out var grant))
            return Results.BadRequest(new { error = "invalid_grant" });
        if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret) return Results.BadRequest(new { error = "invalid_client" });
        string challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
        if (challenge != grant.Challenge || form["redirect_uri"] != grant.RedirectUri) return Results.BadRequest(new { error = "invalid_grant" });
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = grant.User, ["preferred_username"] = grant.User, ["nonce"] = grant.Nonce, ["groups"] = grant.Groups,
        };
        string idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority, Audience = ClientId, IssuedAt = now, NotBefore = now, Expires = now.AddMinutes(5), Claims = claims,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
        return Results.Json(new { id_token = idToken, access_token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), token_type = "Bearer", expires_in = 300 });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Rsa.Dispose();
    }
}
