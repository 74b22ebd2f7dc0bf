namespace ControlCenter.Access;

/// <summary>How people sign in (Auth:Mode).</summary>
public enum AuthMode
{
    /// <summary>No sign-in: everyone is admin. Allowed only while every listener is loopback (or with Auth:AllowAnonymous=true).</summary>
    None,
    /// <summary>Users and password hashes in configuration (Auth:Users:&lt;name&gt;).</summary>
    Local,
    /// <summary>An OpenID Connect identity provider (Auth:Oidc), its claims mapped to roles.</summary>
    Oidc,
}

/// <summary>The `Auth` section: sign-in, users, roles and read-only mode.</summary>
public sealed class AccessOptions
{
    public const string SectionName = "Auth";

    public AuthMode Mode { get; set; } = AuthMode.None;

    /// <summary>Lets Mode=None serve on a non-loopback address (everyone who reaches it is admin).</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Turns every mutation off for everyone, admins included.</summary>
    public bool ReadOnly { get; set; }

    public Dictionary<string, UserOptions> Users { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Custom roles beside viewer, operator and admin.</summary>
    public Dictionary<string, RoleOptions> Roles { get; set; } = new(StringComparer.Ordinal);

    public OidcOptions Oidc { get; set; } = new();
}

public sealed class UserOptions
{
    /// <summary>ASP.NET Core's password hash (make one with `dotnet run --project src/ControlCenter.Web -- hash-password`).</summary>
    public string? PasswordHash { get; set; }
    public List<string> Roles { get; set; } = [];
}

public sealed class RoleOptions
{
    public List<RuleOptions> Rules { get; set; } = [];

    /// <summary>Holders see record contents unmasked.</summary>
    public bool MaskingExempt { get; set; }
}

public sealed class RuleOptions
{
    /// <summary>topic, group, subject or cluster.</summary>
    public string Resource { get; set; } = "";
    public string Pattern { get; set; } = "*";
    public List<string> Actions { get; set; } = [];
}

public sealed class OidcOptions
{
    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    /// <summary>The claim whose values name roles (or are mapped to roles by <see cref="RoleMap"/>).</summary>
    public string RoleClaim { get; set; } = "groups";

    /// <summary>Claim value → role; values without an entry are taken as role names.</summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The claim shown as the user's name.</summary>
    public string NameClaim { get; set; } = "preferred_username";

    public List<string> Scopes { get; set; } = ["openid", "profile"];

    /// <summary>Off only for a provider on this machine over http (development, tests).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The roles an identity provider's claim values give: mapped through <see cref="RoleMap"/>, else taken as they are when they name a role.</summary>
    public IReadOnlyList<string> Roles(IEnumerable<string> claimValues, IReadOnlyCollection<string> knownRoles) =>
        claimValues.Select(v => RoleMap.TryGetValue(v, out var mapped) ? mapped : v).Where(knownRoles.Contains).Distinct().ToList();
}
