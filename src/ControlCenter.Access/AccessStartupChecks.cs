using System.Net;

namespace ControlCenter.Access;

/// <summary>
/// What must hold before the app serves anyone: a usable Auth section, and no anonymous
/// dashboard on an address other machines can reach (on a shared host, anyone there would be
/// admin) unless Auth:AllowAnonymous says that is wanted.
/// </summary>
public static class AccessStartupChecks
{
    /// <param name="listeners">Every HTTP address the app serves (dashboard, REST proxy, schema registry).</param>
    public static IReadOnlyList<string> Problems(AccessOptions options, IEnumerable<string> listeners)
    {
        var problems = new AccessPolicy(options).Problems.ToList();
        if (options.Mode == AuthMode.None && !options.AllowAnonymous)
        {
            var exposed = listeners.Where(l => !IsLoopback(l)).ToList();
            if (exposed.Count > 0)
                problems.Add($"Auth:Mode is None (no sign-in), but the app listens on {string.Join(", ", exposed)}, which other machines can reach: anyone there could do everything. " +
                             "Set Auth:Mode=Local (users in Auth:Users) or Auth:Mode=Oidc, bind to localhost, or set Auth:AllowAnonymous=true to accept it.");
        }
        return problems;
    }

    /// <summary>True when an address (http://host:port, or ASP.NET's `*`/`+` wildcards) is reachable from this machine only.</summary>
    public static bool IsLoopback(string url)
    {
        string trimmed = url.Trim();
        int scheme = trimmed.IndexOf("://", StringComparison.Ordinal);
        string rest = scheme >= 0 ? trimmed[(scheme + 3)..] : trimmed;
        string host = rest.StartsWith('[') ? rest[1..Math.Max(1, rest.IndexOf(']'))] : rest.Split(':', '/')[0];
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }
}
