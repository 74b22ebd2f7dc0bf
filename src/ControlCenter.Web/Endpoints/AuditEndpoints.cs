using System.Text;
using System.Text.Json;
using ControlCenter.Access;
using ControlCenter.Access.Audit;
using ControlCenter.Web.Security;

namespace ControlCenter.Web.Endpoints;

/// <summary>The audit trail as JSON Lines, filtered like the Audit page (user, action, target, result, from, to): admins only.</summary>
public static class AuditEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapAuditEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/audit/export", ExportAsync).RequireAccess(AccessAction.ClusterAdmin, ResourceKind.Cluster,
            describe: c => "export the audit trail " + c.HttpContext.Request.QueryString.Value);

    /// <summary>The page's filter from a query string (times in ISO 8601); null fields match everything.</summary>
    public static AuditQuery Query(IQueryCollection q) => new(
        Text(q["user"]), Text(q["action"]), Text(q["target"]), Text(q["result"]),
        DateTimeOffset.TryParse(q["from"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var from) ? from : null,
        DateTimeOffset.TryParse(q["to"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var to) ? to : null);

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static async Task ExportAsync(HttpContext http, AuditLog audit, TimeProvider time, CancellationToken cancellation)
    {
        http.Response.ContentType = "application/x-ndjson; charset=utf-8";
        string stamp = time.GetUtcNow().ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{stamp}.jsonl\"";
        var buffer = new StringBuilder();
        foreach (var entry in audit.All(Query(http.Request.Query)))
        {
            buffer.Append(JsonSerializer.Serialize(entry, Json)).Append('\n');
            if (buffer.Length < 64 * 1024) continue;
            await http.Response.WriteAsync(buffer.ToString(), cancellation);
            buffer.Clear();
        }
        await http.Response.WriteAsync(buffer.ToString(), cancellation);
    }
}
