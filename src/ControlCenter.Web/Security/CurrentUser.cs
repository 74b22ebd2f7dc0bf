using ControlCenter.Access;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace ControlCenter.Web.Security;

/// <summary>
/// The signed-in user of this circuit or request, and what they may do. With Auth:Mode=None
/// there is no sign-in and everyone is admin (the app then only listens on loopback).
/// </summary>
public sealed class CurrentUser(AuthenticationStateProvider authentication, AccessPolicy policy, IOptions<AccessOptions> options)
{
    private (string Name, IReadOnlyCollection<string> Roles)? _user;

    public bool SignInUsed => options.Value.Mode != AuthMode.None;

    public async Task<(string Name, IReadOnlyCollection<string> Roles)> GetAsync()
    {
        if (_user is { } known) return known;
        if (!SignInUsed) return (_user = ("anonymous", [ControlCenter.Access.Roles.BuiltInRoles.Admin])).Value;
        var state = await authentication.GetAuthenticationStateAsync();
        var principal = state.User;
        string name = principal.Identity?.IsAuthenticated == true ? principal.Identity.Name ?? "" : "";
        var roles = principal.FindAll(principal.Identities.FirstOrDefault()?.RoleClaimType ?? System.Security.Claims.ClaimTypes.Role).Select(c => c.Value).ToList();
        return (_user = (name, roles)).Value;
    }

    public async Task<AccessDecision> DecideAsync(AccessAction action, ResourceKind kind, string name) =>
        policy.Decide((await GetAsync()).Roles, action, kind, name);

    public async Task<bool> CanAsync(AccessAction action, ResourceKind kind, string name) => (await DecideAsync(action, kind, name)).Allowed;
}
