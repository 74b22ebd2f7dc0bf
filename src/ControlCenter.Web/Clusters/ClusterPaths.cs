using ControlCenter.Kafka.Clusters;

namespace ControlCenter.Web.Clusters;

/// <summary>Which cluster a request is about, set by <see cref="ClusterPaths"/> from its /clusters/{name}/ prefix.</summary>
public sealed record ClusterFeature(string Name);

/// <summary>
/// Every page, endpoint and hub of the dashboard also answers under /clusters/{name}/: the prefix
/// becomes the request's path base, so the page's &lt;base href&gt; carries it and every relative link,
/// API call and the circuit itself stay on that cluster. Paths without it are the default cluster's.
/// </summary>
public static class ClusterPaths
{
    public const string Prefix = "/clusters";

    /// <summary>The address of a path on a cluster ("" for its overview).</summary>
    public static string For(string cluster, string path = "") => $"{Prefix}/{Uri.EscapeDataString(cluster)}/{path.TrimStart('/')}";

    /// <summary>Must come before routing: endpoints are matched on the path without the prefix.</summary>
    public static IApplicationBuilder UseClusterPaths(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments(Prefix, StringComparison.Ordinal, out var rest) && rest.HasValue && rest.Value!.Length > 1)
        {
            string tail = rest.Value[1..];
            int slash = tail.IndexOf('/', StringComparison.Ordinal);
            string name = Uri.UnescapeDataString(slash < 0 ? tail : tail[..slash]);
            var registry = context.RequestServices.GetRequiredService<ClusterRegistry>();
            if (registry.Get(name) is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                await context.Response.WriteAsync($"No cluster is named '{name}'.");
                return;
            }
            if (slash < 0) // /clusters/b → /clusters/b/ (relative links resolve against the slash)
            {
                context.Response.Redirect(context.Request.PathBase + path + "/" + context.Request.QueryString);
                return;
            }
            var originalBase = context.Request.PathBase;
            context.Request.PathBase = originalBase.Add(Prefix + "/" + tail[..slash]);
            context.Request.Path = new PathString(tail[slash..]);
            context.Features.Set(new ClusterFeature(name));
            try { await OnClusterAsync(context, next, registry.Get(name)!); }
            finally
            {
                context.Request.PathBase = originalBase;
                context.Request.Path = path;
            }
            return;
        }
        await OnClusterAsync(context, next, context.RequestServices.GetRequiredService<ClusterRegistry>().Default);
    });

    /// <summary>The request's services answer the cluster's own (endpoint parameters, server-rendered pages), straight from its container.</summary>
    private static async Task OnClusterAsync(HttpContext context, RequestDelegate next, ClusterContext cluster)
    {
        var services = context.RequestServices;
        context.RequestServices = cluster.Over(services);
        try { await next(context); }
        finally { context.RequestServices = services; }
    }
}
