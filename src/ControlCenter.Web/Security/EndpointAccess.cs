using ControlCenter.Access;
using ControlCenter.Access.Audit;

namespace ControlCenter.Web.Security;

/// <summary>A refusal as HTTP endpoints answer it: 403 with the policy's reason.</summary>
public sealed record AccessRefusal(string Error);

/// <summary>
/// Rights on the dashboard's own HTTP endpoints (export, record download, produce, schema
/// writes, fault controls), checked before the handler runs: a refused request changes nothing.
/// Everything but viewing is audited with how it ended.
/// </summary>
public static class EndpointAccess
{
    /// <summary>Requires <paramref name="action"/> on the resource named by the route value <paramref name="routeValue"/> (the cluster when null).</summary>
    /// <param name="describe">The audit entry's parameters (never record contents), from the handler's arguments.</param>
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, AccessAction action, ResourceKind kind, string? routeValue = null,
        Func<EndpointFilterInvocationContext, string?>? describe = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var user = ForRequest(http);
            string name = routeValue is null ? user.ClusterResourceName : http.Request.RouteValues[routeValue]?.ToString() ?? "";
            string target = $"{kind.ToString().ToLowerInvariant()}:{name}";
            string? parameters = describe?.Invoke(context) ?? Describe(http, routeValue);
            var decision = user.Decide(action, kind, name);
            if (!decision.Allowed)
            {
                if (action != AccessAction.View) user.Audit(action.Name(), target, AuditResults.Refused, decision.Reason, parameters);
                return Results.Json(new AccessRefusal(decision.Reason!), statusCode: StatusCodes.Status403Forbidden);
            }
            var result = await next(context);
            if (action != AccessAction.View)
            {
                int status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode;
                user.Audit(action.Name(), target, status < 400 ? AuditResults.Ok : AuditResults.Failed, status < 400 ? null : $"HTTP {status}", parameters);
            }
            return result;
        });

    /// <summary>The request's other route values and its query, as "partition=0 offset=12 format=csv".</summary>
    private static string? Describe(HttpContext http, string? routeValue)
    {
        var parts = http.Request.RouteValues.Where(kv => kv.Key != routeValue).Select(kv => $"{kv.Key}={kv.Value}")
            .Concat(http.Request.Query.Select(kv => $"{kv.Key}={kv.Value}")).ToList();
        return parts.Count == 0 ? null : string.Join(" ", parts);
    }

    public static UserAccess ForRequest(HttpContext http) => UserAccess.From(http.User, http.RequestServices.GetRequiredService<AccessPolicy>(),
        http.RequestServices.GetService<AuditLog>(), http.Connection.RemoteIpAddress?.ToString(), http.RequestServices.GetService<ControlCenter.Kafka.Masking.MaskingPolicy>(),
        http.RequestServices.GetService<ControlCenter.Kafka.Clusters.ClusterDefinition>());
}
