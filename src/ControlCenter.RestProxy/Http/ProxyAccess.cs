using ControlCenter.Access;
using ControlCenter.Access.Audit;
using ControlCenter.Access.Roles;
using ControlCenter.Access.Users;
using Microsoft.AspNetCore.Http;

namespace ControlCenter.RestProxy.Http;

/// <summary>The caller of a proxy request and their roles (everyone is admin when the dashboard has no sign-in).</summary>
public sealed record ProxyUser(string Name, IReadOnlyCollection<string> Roles);

/// <summary>
/// The dashboard's users and roles on the REST proxy: HTTP Basic against Auth:Users, then the
/// same policy as the pages, per topic and group. Refusals are Confluent's: 401 with error code
/// 40101 and a WWW-Authenticate challenge, 403 with 40301.
/// </summary>
public static class ProxyAccess
{
    private const string Key = "controlcenter.proxy-user";
    public const string Realm = "Kafka Control Center REST Proxy";

    /// <summary>Middleware: authenticates the request, or answers 401 (429 after too many failures) before any endpoint runs.</summary>
    public static async Task AuthenticateAsync(HttpContext context, RequestDelegate next, AccessPolicy? policy, BasicAuthenticator? authenticator)
    {
        if (policy is null || policy.Mode == AuthMode.None || authenticator is null)
        {
            context.Items[Key] = new ProxyUser("anonymous", [BuiltInRoles.Admin]);
            await next(context);
            return;
        }
        var identity = authenticator.Authenticate(context);
        if (!identity.Succeeded)
        {
            var (status, code) = BasicAuthenticator.Refuse(context.Response, identity, Realm);
            await Reply.ErrorAsync(context, status, code, identity.Reason!);
            return;
        }
        context.Items[Key] = new ProxyUser(identity.Name!, identity.Roles);
        await next(context);
    }

    /// <summary>Middleware after authentication: every produce, record read and consumer change is audited with its outcome.</summary>
    public static Task AuditAsync(HttpContext context, RequestDelegate next, AuditLog? audit) =>
        HttpAudit.RunAsync(context, next, audit, User(context).Name, "rest-proxy", Audited(context.Request), e => e is RestException r ? r.Status : 500);

    private static (string Action, string Target)? Audited(HttpRequest request)
    {
        string[] s = (request.Path.Value ?? "").Trim('/').Split('/');
        bool get = HttpMethods.IsGet(request.Method);
        return s switch
        {
            ["topics", var topic, ..] when HttpMethods.IsPost(request.Method) => ("messages:produce", "topic:" + topic),
            ["consumers", var group, "instances", _, "records"] when get => ("messages:read", "group:" + group),
            ["consumers", var group] when HttpMethods.IsPost(request.Method) => ("consumer:create", "group:" + group),
            ["consumers", var group, "instances", _] when HttpMethods.IsDelete(request.Method) => ("consumer:delete", "group:" + group),
            ["consumers", var group, "instances", _, var what, ..] when !get => ("consumer:" + what, "group:" + group),
            _ => null,
        };
    }

    public static ProxyUser User(HttpContext context) => (ProxyUser)context.Items[Key]!;

    /// <summary>The caller's masks per topic: none for roles exempt from masking (admin, or MaskingExempt), or without rules.</summary>
    public static Func<string, ControlCenter.Kafka.Masking.RecordMask?>? MaskFor(HttpContext context)
    {
        if (context.RequestServices.GetService(typeof(ControlCenter.Kafka.Masking.MaskingPolicy)) is not ControlCenter.Kafka.Masking.MaskingPolicy { HasRules: true } masking) return null;
        // No access layer: everyone is admin, and admins are exempt.
        if (context.RequestServices.GetService(typeof(AccessPolicy)) is not AccessPolicy policy || policy.MaskingExempt(User(context).Roles)) return null;
        return masking.For;
    }

    public static bool Can(HttpContext context, AccessAction action, ResourceKind kind, string name) => Decide(context, action, kind, name).Allowed;

    /// <summary>Throws Confluent's 40301 with the policy's reason when the caller may not.</summary>
    public static void Demand(HttpContext context, AccessAction action, ResourceKind kind, string name)
    {
        var decision = Decide(context, action, kind, name);
        if (!decision.Allowed) throw new RestException(403, 40301, decision.Reason!);
    }

    private static AccessDecision Decide(HttpContext context, AccessAction action, ResourceKind kind, string name) =>
        context.RequestServices.GetService(typeof(AccessPolicy)) is AccessPolicy policy
            ? policy.Decide(User(context).Roles, action, kind, name)
            : AccessDecision.Allow;
}
