using System.Security.Claims;
using ControlCenter.Access;
using ControlCenter.Access.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace ControlCenter.Web.Security;

/// <summary>
/// Sign-in for the dashboard (Auth:Mode): a cookie session after a Local or OIDC sign-in, and
/// a fallback policy so that no page, endpoint or the live connection answers a stranger.
/// With Mode=None (loopback only, see AccessStartupChecks) everyone is admin, as before.
/// </summary>
public static class AccessSetup
{
    public const string SessionCookie = "cc.session";

    public static IServiceCollection AddControlCenterAccess(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(AccessOptions.SectionName);
        var mode = section.GetValue(nameof(AccessOptions.Mode), AuthMode.None);
        services.AddAccessPolicy(configuration);
        services.AddAuditLog(configuration);
        services.AddCascadingAuthenticationState();
        var authentication = services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = SessionCookie;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = mode == AuthMode.Oidc ? OidcSetup.LoginPath : "/login";
            cookie.LogoutPath = "/logout";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            // Scripts and API clients get a status, not the sign-in page's HTML.
            cookie.Events.OnRedirectToLogin = context => Answer(context, StatusCodes.Status401Unauthorized);
            cookie.Events.OnRedirectToAccessDenied = context => Answer(context, StatusCodes.Status403Forbidden);
        });
        if (mode == AuthMode.Oidc) authentication.AddOidc(section.GetSection(nameof(AccessOptions.Oidc)).Get<OidcOptions>() ?? new OidcOptions());
        services.AddAuthorization(o =>
        {
            if (mode != AuthMode.None) o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
        return services;
    }

    private static Task Answer(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/_blazor"))
        {
            context.Response.StatusCode = status;
            // The bare status, not the not-found page re-executed in its place (which would itself ask to sign in).
            if (context.HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        }
        else context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>The principal a Local sign-in creates: the user's name and one role claim per role.</summary>
    public static ClaimsPrincipal Principal(string name, IEnumerable<string> roles, string method) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), .. roles.Select(r => new Claim(ClaimTypes.Role, r))],
            method, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>Only a path of this site: a link to /login?ReturnUrl=https://elsewhere must not send a fresh session there.</summary>
    public static bool IsLocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    public static void MapAccessEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapOidcLogin();
        // A form post with the page's antiforgery token: another site cannot sign the user out.
        // (Validated here: the antiforgery middleware checks form posts only, and a bodiless POST is none.)
        app.MapPost("/logout", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context)) return Results.BadRequest("Sign out from the dashboard's own page.");
            if (context.User.Identity?.IsAuthenticated == true) EndpointAccess.ForRequest(context).Audit("signout", "dashboard");
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/login");
        }).DisableAntiforgery().AllowAnonymous();
    }
}
