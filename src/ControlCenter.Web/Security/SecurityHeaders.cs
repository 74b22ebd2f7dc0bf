using System.Security.Cryptography;

namespace ControlCenter.Web.Security;

/// <summary>
/// Headers on every dashboard response that keep a hostile record, page or site from doing harm:
/// a Content-Security-Policy allowing only the app's own scripts (the one inline script, Blazor's
/// import map, carries this response's nonce), no framing, no sniffing, no referrer.
/// Styles allow inline: MudBlazor positions popovers and sizes columns with style attributes.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "controlcenter.csp-nonce";

    /// <summary>This response's script nonce (for the import map), made once per request.</summary>
    public static string Nonce(HttpContext context)
    {
        if (context.Items[NonceKey] is string nonce) return nonce;
        nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)); // hex: nothing in it for HTML to encode in the attribute
        context.Items[NonceKey] = nonce;
        return nonce;
    }

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = string.Join("; ",
            "default-src 'self'",
            $"script-src 'self' 'nonce-{Nonce(context)}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'");
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
        await next(context);
    });
}
