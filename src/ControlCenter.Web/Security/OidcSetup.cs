using ControlCenter.Access;
using ControlCenter.Access.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ControlCenter.Web.Security;

/// <summary>
/// Auth:Mode=Oidc: the authorization-code flow with PKCE against Auth:Oidc:Authority. The
/// provider's claim (Auth:Oidc:RoleClaim, "groups") becomes roles through Auth:Oidc:RoleMap;
/// the session is then the same cookie as a local sign-in, and no token is kept.
/// </summary>
public static class OidcSetup
{
    public const string LoginPath = "/login/oidc";

    public static void AddOidc(this AuthenticationBuilder authentication, OidcOptions oidc) =>
        authentication.AddOpenIdConnect(o =>
        {
            o.Authority = oidc.Authority;
            o.ClientId = oidc.ClientId;
            o.ClientSecret = oidc.ClientSecret;
            o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.UsePkce = true;
            o.Scope.Clear();
            foreach (string scope in oidc.Scopes) o.Scope.Add(scope);
            o.SaveTokens = false;
            o.MapInboundClaims = false; // claims by the provider's names (groups, preferred_username)
            o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            // The round trip to the provider is a top-level GET back: Lax cookies come along, also over http on loopback.
            o.CorrelationCookie.SameSite = o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Events.OnTokenValidated = context =>
            {
                var principal = context.Principal!;
                string name = principal.FindFirst(oidc.NameClaim)?.Value ?? principal.FindFirst("sub")?.Value ?? "";
                var policy = context.HttpContext.RequestServices.GetRequiredService<AccessPolicy>();
                var roles = oidc.Roles(principal.FindAll(oidc.RoleClaim).Select(c => c.Value), policy.RoleNames);
                var audit = context.HttpContext.RequestServices.GetService<AuditLog>();
                string client = context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                if (roles.Count == 0)
                {
                    audit?.Record(new AuditEntry(audit.Now, name, "signin", "dashboard", AuditResults.Refused, $"no role from claim '{oidc.RoleClaim}'", "oidc", client));
                    context.Response.Redirect("/login?denied=" + Uri.EscapeDataString(name));
                    context.HandleResponse();
                    return Task.CompletedTask;
                }
                audit?.Record(new AuditEntry(audit.Now, name, "signin", "dashboard", AuditResults.Ok, null, "oidc", client));
                context.Principal = AccessSetup.Principal(name, roles, "Oidc");
                return Task.CompletedTask;
            };
            o.Events.OnRemoteFailure = context =>
            {
                context.Response.Redirect("/login?failed=1");
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });

    /// <summary>GET /login/oidc?ReturnUrl=…: off to the provider, back to that page of this site.</summary>
    public static void MapOidcLogin(this IEndpointRouteBuilder app) =>
        app.MapGet(LoginPath, (string? returnUrl) => Results.Challenge(
            new AuthenticationProperties { RedirectUri = AccessSetup.IsLocalUrl(returnUrl) ? returnUrl : "/" },
            [OpenIdConnectDefaults.AuthenticationScheme])).AllowAnonymous();
}
