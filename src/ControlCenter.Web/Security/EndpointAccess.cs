using ControlCenter.Access;

namespace ControlCenter.Web.Security;

/// <summary>A refusal as HTTP endpoints answer it: 403 with the policy's reason.</summary>
public sealed record AccessRefusal(string Error);

/// <summary>
/// Rights on the dashboard's own HTTP endpoints (export, record download, produce, schema
/// writes, fault controls), checked before the handler runs: a refused request changes nothing.
/// </summary>
public static class EndpointAccess
{
    /// <summary>Requires <paramref name="action"/> on the resource named by the route value <paramref name="routeValue"/> (the cluster when null).</summary>
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, AccessAction action, ResourceKind kind, string? routeValue = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            string name = routeValue is null ? UserAccess.ClusterName : http.Request.RouteValues[routeValue]?.ToString() ?? "";
            var decision = ForRequest(http).Decide(action, kind, name);
            return decision.Allowed ? await next(context) : Results.Json(new AccessRefusal(decision.Reason!), statusCode: StatusCodes.Status403Forbidden);
        });

    public static UserAccess ForRequest(HttpContext http) => UserAccess.From(http.User, http.RequestServices.GetRequiredService<AccessPolicy>());
}
