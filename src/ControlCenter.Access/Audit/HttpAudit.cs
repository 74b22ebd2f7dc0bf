using Microsoft.AspNetCore.Http;

namespace ControlCenter.Access.Audit;

/// <summary>Audits one request of the REST proxy or the registry: runs it, then records how it ended.</summary>
public static class HttpAudit
{
    /// <param name="statusOf">The status an exception will be answered with (the listener's error handler runs outside this).</param>
    public static async Task RunAsync(HttpContext context, RequestDelegate next, AuditLog? audit, string user, string via,
        (string Action, string Target)? what, Func<Exception, int> statusOf)
    {
        if (audit is null || what is not { } audited)
        {
            await next(context);
            return;
        }
        int? failedWith = null;
        string? detail = null;
        try
        {
            await next(context);
        }
        catch (Exception e)
        {
            failedWith = statusOf(e);
            detail = e.Message;
            throw;
        }
        finally
        {
            int status = failedWith ?? context.Response.StatusCode;
            string result = status < 400 ? AuditResults.Ok : status is 401 or 403 ? AuditResults.Refused : AuditResults.Failed;
            string? query = context.Request.QueryString.HasValue ? context.Request.QueryString.Value : null;
            audit.Record(new AuditEntry(audit.Now, user, audited.Action, audited.Target, result, detail ?? (status < 400 ? null : $"HTTP {status}"),
                $"{context.Request.Method} {context.Request.Path}{query}", context.Connection.RemoteIpAddress?.ToString(), via));
        }
    }
}
