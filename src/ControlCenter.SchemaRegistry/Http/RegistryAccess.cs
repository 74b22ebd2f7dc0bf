using System.Security.Cryptography;
using System.Text;
using ControlCenter.Access;
using ControlCenter.Access.Audit;
using ControlCenter.Access.Roles;
using ControlCenter.Access.Users;
using Microsoft.AspNetCore.Http;

namespace ControlCenter.SchemaRegistry.Http;

/// <summary>
/// The credential the dashboard itself uses on its embedded registry: a random password made at
/// start, never written anywhere. The dashboard checks its users' rights before it calls.
/// </summary>
public sealed class InternalRegistryCredential
{
    public const string User = "controlcenter-internal";

    public string UserInfo { get; } = User + ":" + Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    public bool Matches(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return false;
        byte[] expected = Encoding.UTF8.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(UserInfo)));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(authorization[6..].Trim()));
    }
}

/// <summary>
/// The dashboard's users and roles on the embedded registry's API: HTTP Basic against
/// Auth:Users, then reads need view and writes schema:write on the subject (the global level
/// and mode: on every subject, pattern *). Without sign-in (Auth:Mode=None) everyone may do
/// everything, as before. Refusals: 401 with error code 40101 and a challenge, 403 with 40301.
/// </summary>
public static class RegistryAccess
{
    public const string Realm = "Kafka Control Center Schema Registry";

    public static async Task AuthorizeAsync(HttpContext context, RequestDelegate next, AccessPolicy? policy, BasicAuthenticator? authenticator,
        InternalRegistryCredential internalCredential, AuditLog? audit)
    {
        // The dashboard's own calls are audited where the user acted (its pages and endpoints).
        if (internalCredential.Matches(context.Request.Headers.Authorization))
        {
            await next(context);
            return;
        }
        if (policy is null || authenticator is null || policy.Mode == AuthMode.None)
        {
            await AuditedAsync(context, next, audit, "anonymous");
            return;
        }
        var identity = authenticator.Authenticate(context);
        if (!identity.Succeeded)
        {
            var (status, code) = BasicAuthenticator.Refuse(context.Response, identity, Realm);
            await RegistryHttp.ErrorAsync(context, status, code, identity.Reason!);
            return;
        }
        if (Required(context.Request) is { } need)
        {
            var decision = need.Somewhere
                ? policy.AllowsSomewhere(identity.Roles, need.Action, ResourceKind.Subject) ? AccessDecision.Allow
                    : new AccessDecision(false, $"Your role {string.Join(", ", identity.Roles)} does not allow {need.Action.Name()} on any subject.")
                : policy.Decide(identity.Roles, need.Action, ResourceKind.Subject, need.Subject);
            if (!decision.Allowed)
            {
                await AuditedAsync(context, c => RegistryHttp.ErrorAsync(c, 403, 40301, decision.Reason!), audit, identity.Name!);
                return;
            }
        }
        await AuditedAsync(context, next, audit, identity.Name!);
    }

    /// <summary>Writes (anything but GET/HEAD, and not the read-only lookups and compatibility checks) are audited with their outcome.</summary>
    private static Task AuditedAsync(HttpContext context, RequestDelegate next, AuditLog? audit, string user)
    {
        bool write = Required(context.Request) is { Action: AccessAction.SchemaWrite };
        string target = (context.Request.Path.Value ?? "").Trim('/').Split('/') is [_, var name, ..] ? "subject:" + name : "subject:*";
        return HttpAudit.RunAsync(context, next, audit, user, "registry", write ? ("schema:write", target) : null,
            e => e is Registry.RegistryException r ? r.Status : 500);
    }

    /// <summary>What a request needs: an action on one subject, or on at least one (lists and ids), or nothing (/, /schemas/types).</summary>
    internal static (AccessAction Action, string Subject, bool Somewhere)? Required(HttpRequest request)
    {
        string[] s = (request.Path.Value ?? "").Trim('/').Split('/');
        bool read = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        return s switch
        {
            ["subjects"] => (AccessAction.View, "", true),
            // POST /subjects/{s} looks a schema up; POST /subjects/{s}/versions registers one.
            ["subjects", var subject] => (read || HttpMethods.IsPost(request.Method) ? AccessAction.View : AccessAction.SchemaWrite, subject, false),
            ["subjects", var subject, ..] => (read ? AccessAction.View : AccessAction.SchemaWrite, subject, false),
            ["schemas", "types"] => null,
            ["schemas", ..] => (AccessAction.View, "", true),
            ["config" or "mode"] => read ? (AccessAction.View, "", true) : (AccessAction.SchemaWrite, "*", false),
            ["config" or "mode", var subject] => (read ? AccessAction.View : AccessAction.SchemaWrite, subject, false),
            ["compatibility", "subjects", var subject, ..] => (AccessAction.View, subject, false),
            _ => null,
        };
    }
}
