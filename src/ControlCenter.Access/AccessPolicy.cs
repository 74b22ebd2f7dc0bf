using ControlCenter.Access.Roles;

namespace ControlCenter.Access;

/// <summary>The answer to "may these roles do this?", with the reason a refusal shows.</summary>
public sealed record AccessDecision(bool Allowed, string? Reason)
{
    public static readonly AccessDecision Allow = new(true, null);
}

/// <summary>
/// Decides every request alike, wherever it comes from (pages, hub, export, REST proxy,
/// registry, fault API): the union of the user's roles' rights, minus every mutation in
/// read-only mode. Built once from the Auth section; configuration mistakes are listed by
/// <see cref="Problems"/> so start-up can refuse with all of them at once.
/// </summary>
public sealed class AccessPolicy
{
    /// <summary>The cluster's name in role rules of kind cluster (one cluster per app).</summary>
    public const string ClusterName = "default";

    private readonly Dictionary<string, RoleDefinition> _roles;

    public AccessPolicy(AccessOptions options)
    {
        ReadOnly = options.ReadOnly;
        Mode = options.Mode;
        _roles = new Dictionary<string, RoleDefinition>(BuiltInRoles.All, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (name, role) in options.Roles)
        {
            if (BuiltInRoles.All.ContainsKey(name)) { problems.Add($"Auth:Roles:{name}: '{name}' is a built-in role and cannot be redefined."); continue; }
            var rules = new List<RoleRule>();
            for (int i = 0; i < role.Rules.Count; i++)
            {
                var rule = role.Rules[i];
                string at = $"Auth:Roles:{name}:Rules:{i}";
                if (!Enum.TryParse<ResourceKind>(rule.Resource, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(rule.Resource, out _))
                { problems.Add($"{at}:Resource '{rule.Resource}' is not one of topic, group, subject, cluster."); continue; }
                var actions = new List<AccessAction>();
                foreach (string action in rule.Actions)
                    if (AccessActions.TryParse(action, out var parsed)) actions.Add(parsed);
                    else problems.Add($"{at}:Actions '{action}' is not an action (one of {string.Join(", ", AccessActions.Names)}).");
                if (string.IsNullOrWhiteSpace(rule.Pattern)) problems.Add($"{at}:Pattern is empty (use * for every name).");
                else rules.Add(new RoleRule(kind, rule.Pattern.Trim(), actions));
            }
            _roles[name] = new RoleDefinition(name, rules, role.MaskingExempt);
        }
        foreach (var (user, settings) in options.Users)
        {
            foreach (string role in settings.Roles.Where(r => !_roles.ContainsKey(r)))
                problems.Add($"Auth:Users:{user}:Roles names '{role}', which is not a role (built-in: viewer, operator, admin{string.Concat(options.Roles.Keys.Select(k => ", " + k))}).");
            if (options.Mode == AuthMode.Local && string.IsNullOrWhiteSpace(settings.PasswordHash))
                problems.Add($"Auth:Users:{user}:PasswordHash is missing (make one with: dotnet run --project src/ControlCenter.Web -- hash-password).");
        }
        if (options.Mode == AuthMode.Local && options.Users.Count == 0)
            problems.Add("Auth:Mode is Local but Auth:Users names nobody: nobody could sign in.");
        if (options.Mode == AuthMode.Oidc && (string.IsNullOrWhiteSpace(options.Oidc.Authority) || string.IsNullOrWhiteSpace(options.Oidc.ClientId)))
            problems.Add("Auth:Mode is Oidc: Auth:Oidc:Authority and Auth:Oidc:ClientId are required.");
        Problems = problems;
    }

    public AuthMode Mode { get; }
    public bool ReadOnly { get; }

    /// <summary>What is wrong in the Auth section, each naming its setting; empty when it is usable.</summary>
    public IReadOnlyList<string> Problems { get; }

    public IReadOnlyCollection<string> RoleNames => _roles.Keys;

    public AccessDecision Decide(IReadOnlyCollection<string> roles, AccessAction action, ResourceKind kind, string name)
    {
        if (ReadOnly && action.IsMutation())
            return new(false, $"The dashboard is read-only (Auth:ReadOnly=true): {action.Name()} is turned off for everyone.");
        foreach (string role in roles)
            if (_roles.TryGetValue(role, out var definition) && definition.Allows(action, kind, name)) return AccessDecision.Allow;
        string held = roles.Count == 0 ? "no role" : "role " + string.Join(", ", roles);
        return new(false, $"Your {held} does not allow {action.Name()} on {kind.ToString().ToLowerInvariant()} '{name}'.");
    }

    public bool Allows(IReadOnlyCollection<string> roles, AccessAction action, ResourceKind kind, string name) =>
        Decide(roles, action, kind, name).Allowed;

    /// <summary>True when the roles allow the action on at least some names of the kind (a "Create topic" button for a role limited to team-*).</summary>
    public bool AllowsSomewhere(IReadOnlyCollection<string> roles, AccessAction action, ResourceKind kind) =>
        !(ReadOnly && action.IsMutation())
        && roles.Any(r => _roles.TryGetValue(r, out var definition) && definition.Rules.Any(rule => rule.Kind == kind && rule.Actions.Contains(action)));

    /// <summary>True when one of the roles sees record contents unmasked.</summary>
    public bool MaskingExempt(IReadOnlyCollection<string> roles) =>
        roles.Any(r => r == BuiltInRoles.Admin || _roles.GetValueOrDefault(r)?.MaskingExempt == true);
}
