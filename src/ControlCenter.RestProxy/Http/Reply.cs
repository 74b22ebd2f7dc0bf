using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ControlCenter.RestProxy.Http;

/// <summary>Writes v2 answers: JSON with the v2 (or embedded-format) media type, nulls kept as Confluent writes them.</summary>
public static class Reply
{
    // API answers, not HTML: '+' and non-ASCII text stay readable instead of \uXXXX escapes.
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = null,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Task JsonAsync<T>(HttpContext context, T body, int status = 200, string contentType = MediaTypes.V2)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return JsonSerializer.SerializeAsync(context.Response.Body, body, Json, context.RequestAborted);
    }

    public static Task NoContentAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    public static Task ErrorAsync(HttpContext context, int status, int errorCode, string message) =>
        JsonAsync(context, new ErrorBody(errorCode, message), status);
}
