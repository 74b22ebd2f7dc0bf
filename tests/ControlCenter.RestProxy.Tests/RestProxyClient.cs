using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ControlCenter.RestProxy.Tests;

/// <summary>A plain HttpClient speaking v2 to the proxy, answering (status, JSON) so tests see exactly what a script would.</summary>
public sealed class RestProxyClient(string baseUrl, string? user = null, string? password = null) : IDisposable
{
    public const string V2 = "application/vnd.kafka.v2+json", Json = "application/vnd.kafka.json.v2+json", Binary = "application/vnd.kafka.binary.v2+json";
    private readonly HttpClient _http = new()
    {
        BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30),
        DefaultRequestHeaders = { Authorization = user is null ? null : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))) },
    };

    public string BaseUrl => baseUrl;

    public Task<(int Status, JsonElement Body, string? ContentType)> GetAsync(string path, string? accept = null, string? body = null) =>
        SendAsync(HttpMethod.Get, path, body, body is null ? null : V2, accept);

    public Task<(int Status, JsonElement Body, string? ContentType)> PostAsync(string path, string? body, string contentType = V2, string? accept = null) =>
        SendAsync(HttpMethod.Post, path, body, contentType, accept);

    public Task<(int Status, JsonElement Body, string? ContentType)> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null, null, null);

    public async Task<(int Status, JsonElement Body, string? ContentType)> SendAsync(HttpMethod method, string path, string? body, string? contentType, string? accept)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        }
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        using var response = await _http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return ((int)response.StatusCode, json, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Asserts a Confluent-style error: the HTTP status and {"error_code": …, "message": …}.</summary>
    public static void AssertError((int Status, JsonElement Body, string? ContentType) response, int status, int errorCode)
    {
        Assert.True(response.Status == status, $"HTTP {response.Status}, wanted {status}: {response.Body}");
        Assert.Equal(errorCode, response.Body.GetProperty("error_code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(response.Body.GetProperty("message").GetString()));
    }

    public void Dispose() => _http.Dispose();
}
