using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ControlCenter.SchemaRegistry.Formats;

namespace ControlCenter.SchemaRegistry.Serdes;

/// <summary>A subject's version as the registry API returns it.</summary>
public sealed record SubjectVersion(
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("schemaType")] string? SchemaType,
    [property: JsonPropertyName("references")] List<RegistryReference>? References,
    [property: JsonPropertyName("schema")] string Schema)
{
    public SchemaType Type => SchemaTypes.Parse(SchemaType) ?? Formats.SchemaType.Avro;
}

public sealed record RegistryReference(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("version")] int Version);

/// <summary>The registry refused a call: Confluent's HTTP status, error code and message.</summary>
public sealed class RegistryCallException(int status, int errorCode, string message) : Exception(message)
{
    public int Status { get; } = status;
    public int ErrorCode { get; } = errorCode;
}

/// <summary>
/// Confluent's registry API over HTTP for the dashboard's pages: the calls Confluent's .NET client
/// does not have (deletes, verbose compatibility, subject-version lists of an id, modes).
/// </summary>
public sealed class RegistryRestClient : IDisposable
{
    private readonly HttpClient _http;

    public RegistryRestClient(string url, string? basicAuthUserInfo)
    {
        _http = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(15) };
        _http.DefaultRequestHeaders.Accept.ParseAdd("application/vnd.schemaregistry.v1+json");
        if (basicAuthUserInfo is not null)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basicAuthUserInfo)));
    }

    public Task<List<string>> SubjectsAsync(bool deleted, CancellationToken c) => GetAsync<List<string>>($"subjects?deleted={Bool(deleted)}", c);

    public Task<List<int>> VersionsAsync(string subject, bool deleted, CancellationToken c) => GetAsync<List<int>>($"subjects/{Esc(subject)}/versions?deleted={Bool(deleted)}", c);

    public Task<SubjectVersion> VersionAsync(string subject, string version, bool deleted, CancellationToken c) =>
        GetAsync<SubjectVersion>($"subjects/{Esc(subject)}/versions/{Esc(version)}?deleted={Bool(deleted)}", c);

    public async Task<List<(string Subject, int Version)>> UsesOfIdAsync(int id, CancellationToken c) =>
        (await GetAsync<List<JsonElement>>($"schemas/ids/{id}/versions", c)).Select(e => (e.GetProperty("subject").GetString()!, e.GetProperty("version").GetInt32())).ToList();

    /// <summary>The latest version of every subject in one call (GET /schemas?latestOnly=true), or one call per subject where a registry lacks it.</summary>
    public async Task<List<SubjectVersion>> LatestVersionsAsync(CancellationToken c)
    {
        try { return await GetAsync<List<SubjectVersion>>("schemas?latestOnly=true", c); }
        catch (RegistryCallException e) when (e.Status is 404 or 405)
        {
            var latest = new List<SubjectVersion>();
            foreach (var subject in await SubjectsAsync(false, c)) latest.Add(await VersionAsync(subject, "latest", false, c));
            return latest;
        }
    }

    public async Task<int> RegisterAsync(string subject, string schema, SchemaType type, IReadOnlyList<RegistryReference> references, CancellationToken c) =>
        (await SendAsync<JsonElement>(HttpMethod.Post, $"subjects/{Esc(subject)}/versions", Body(schema, type, references), c)).GetProperty("id").GetInt32();

    /// <summary>Why the schema may not be registered next (empty when it may), against one version or, with null, what the subject's level names.</summary>
    public async Task<List<string>> CompatibilityErrorsAsync(string subject, string? version, string schema, SchemaType type, IReadOnlyList<RegistryReference> references, CancellationToken c)
    {
        string path = version is null ? $"compatibility/subjects/{Esc(subject)}/versions?verbose=true" : $"compatibility/subjects/{Esc(subject)}/versions/{Esc(version)}?verbose=true";
        var answer = await SendAsync<JsonElement>(HttpMethod.Post, path, Body(schema, type, references), c);
        if (answer.GetProperty("is_compatible").GetBoolean()) return [];
        var messages = answer.TryGetProperty("messages", out var m) ? m.EnumerateArray().Select(e => e.GetString() ?? "").ToList() : [];
        return messages.Count > 0 ? messages : ["The schema is not compatible."];
    }

    public async Task<string> CompatibilityAsync(string? subject, CancellationToken c)
    {
        var answer = await GetAsync<JsonElement>(subject is null ? "config" : $"config/{Esc(subject)}?defaultToGlobal=true", c);
        return answer.GetProperty("compatibilityLevel").GetString()!;
    }

    /// <summary>The subject's own level, or null when it follows the global one.</summary>
    public async Task<string?> SubjectCompatibilityAsync(string subject, CancellationToken c)
    {
        try { return (await GetAsync<JsonElement>($"config/{Esc(subject)}", c)).GetProperty("compatibilityLevel").GetString(); }
        catch (RegistryCallException e) when (e.ErrorCode is 40408 or 40401) { return null; }
    }

    public Task SetCompatibilityAsync(string? subject, string level, CancellationToken c) =>
        SendAsync<JsonElement>(HttpMethod.Put, subject is null ? "config" : $"config/{Esc(subject)}", new { compatibility = level }, c);

    public Task ClearCompatibilityAsync(string subject, CancellationToken c) => SendAsync<JsonElement>(HttpMethod.Delete, $"config/{Esc(subject)}", null, c);

    public Task<List<int>> DeleteSubjectAsync(string subject, bool permanent, CancellationToken c) =>
        SendAsync<List<int>>(HttpMethod.Delete, $"subjects/{Esc(subject)}?permanent={Bool(permanent)}", null, c);

    public Task<int> DeleteVersionAsync(string subject, int version, bool permanent, CancellationToken c) =>
        SendAsync<int>(HttpMethod.Delete, $"subjects/{Esc(subject)}/versions/{version}?permanent={Bool(permanent)}", null, c);

    private static object Body(string schema, SchemaType type, IReadOnlyList<RegistryReference> references) =>
        new { schema, schemaType = type.ApiName(), references };

    private Task<T> GetAsync<T>(string path, CancellationToken c) => SendAsync<T>(HttpMethod.Get, path, null, c);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken c)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.schemaregistry.v1+json");
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, c);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !c.IsCancellationRequested)
        {
            throw new SchemaRegistryUnavailableException($"The schema registry at {_http.BaseAddress} cannot be reached: {e.Message}", e);
        }
        using (response)
        {
            if (response.IsSuccessStatusCode) return (await response.Content.ReadFromJsonAsync<T>(c))!;
            int code = (int)response.StatusCode;
            string message = $"HTTP {code}";
            try
            {
                var error = await response.Content.ReadFromJsonAsync<JsonElement>(c);
                code = error.TryGetProperty("error_code", out var ec) ? ec.GetInt32() : code;
                message = error.TryGetProperty("message", out var m) ? m.GetString() ?? message : message;
            }
            catch (JsonException) { }
            throw new RegistryCallException((int)response.StatusCode, code, message);
        }
    }

    private static string Esc(string value) => Uri.EscapeDataString(value);
    private static string Bool(bool value) => value ? "true" : "false";

    public void Dispose() => _http.Dispose();
}
