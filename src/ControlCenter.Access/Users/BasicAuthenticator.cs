using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace ControlCenter.Access.Users;

/// <summary>Who an HTTP Basic request is, or why it is refused (Reason) and for how long further tries are (RetryAfter).</summary>
public sealed record BasicIdentity(string? Name, IReadOnlyList<string> Roles, string? Reason, TimeSpan RetryAfter = default)
{
    public bool Succeeded => Reason is null;
}

/// <summary>
/// HTTP Basic against the users of Auth:Users, for the REST proxy and the embedded registry.
/// The password hash is made to be slow (PBKDF2), and scripts send the header on every call: a
/// verified name and password are remembered for a few minutes (as a SHA-256 of both, never in
/// clear), so only the first call of a session pays. Failures count towards the same per-client
/// limit as the sign-in form.
/// </summary>
public sealed class BasicAuthenticator(LocalUsers users, SignInThrottle throttle, TimeProvider time)
{
    public static readonly TimeSpan Remembered = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (IReadOnlyList<string> Roles, DateTimeOffset Until)> _verified = new();

    /// <summary>The request's caller, from its Authorization header and client address.</summary>
    public BasicIdentity Authenticate(Microsoft.AspNetCore.Http.HttpContext context) =>
        Authenticate(context.Request.Headers.Authorization, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    /// <summary>
    /// Readies the answer to a refused sign-in: 429 (error code 42901) with Retry-After after too many failures,
    /// else 401 (40101) with a Basic challenge for <paramref name="realm"/>. The caller writes the body in its API's error format.
    /// </summary>
    public static (int Status, int ErrorCode) Refuse(Microsoft.AspNetCore.Http.HttpResponse response, BasicIdentity identity, string realm)
    {
        if (identity.RetryAfter > TimeSpan.Zero)
        {
            response.Headers.RetryAfter = Math.Ceiling(identity.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (429, 42901);
        }
        response.Headers.WWWAuthenticate = $"Basic realm=\"{realm}\", charset=\"UTF-8\"";
        return (401, 40101);
    }

    public BasicIdentity Authenticate(string? authorization, string client)
    {
        if (string.IsNullOrEmpty(authorization) || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            return new(null, [], "Authentication required: send HTTP Basic credentials of a dashboard user (Auth:Users).");
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim())); }
        catch (FormatException) { return new(null, [], "The Authorization header is not valid Basic credentials."); }
        int colon = decoded.IndexOf(':');
        if (colon <= 0) return new(null, [], "The Authorization header is not valid Basic credentials.");
        string name = decoded[..colon], password = decoded[(colon + 1)..];

        string key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name + "\0" + password)));
        var now = time.GetUtcNow();
        if (_verified.TryGetValue(key, out var known) && known.Until > now) return new(name, known.Roles, null);

        if (throttle.WaitFor(client) is var wait && wait > TimeSpan.Zero)
            return new(null, [], $"Too many failed sign-ins from this address: try again in {Math.Ceiling(wait.TotalSeconds)} s.", wait);
        if (users.SignIn(name, password) is not { } roles)
        {
            throttle.Failed(client);
            return new(null, [], "Unknown user or wrong password.");
        }
        throttle.Succeeded(client);
        _verified[key] = (roles, now + Remembered);
        foreach (var stale in _verified.Where(kv => kv.Value.Until <= now)) _verified.TryRemove(stale);
        return new(name, roles, null);
    }
}
