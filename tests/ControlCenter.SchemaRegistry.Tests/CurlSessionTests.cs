using System.Diagnostics;
using System.Text.Json;

namespace ControlCenter.SchemaRegistry.Tests;

/// <summary>A curl session of the registry API, with the exact status and error codes Confluent's registry answers.</summary>
public class CurlSessionTests : SchemaRegistryTestBase
{
    private const string Json = "Content-Type: application/vnd.schemaregistry.v1+json";

    private async Task<(int Status, string Body)> CurlAsync(params string[] args)
    {
        var info = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-sS", "-w", "\n%{http_code}" }.Concat(args.Select(a => a.StartsWith('/') ? Url.TrimEnd('/') + a : a))) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        string output = await process.StandardOutput.ReadToEndAsync(Cancellation);
        string error = await process.StandardError.ReadToEndAsync(Cancellation);
        await process.WaitForExitAsync(Cancellation);
        Assert.True(process.ExitCode == 0, $"curl {string.Join(' ', args)} → {process.ExitCode}: {error}");
        int split = output.LastIndexOf('\n');
        return (int.Parse(output[(split + 1)..]), output[..split]);
    }

    private static int ErrorCode(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error_code").GetInt32();

    private static string Body(string schema, string? type = null) =>
        JsonSerializer.Serialize(type is null ? new Dictionary<string, string> { ["schema"] = schema } : new() { ["schema"] = schema, ["schemaType"] = type });

    [Fact]
    public async Task ACurlSessionGetsConfluentsAnswers()
    {
        var types = await CurlAsync("/schemas/types");
        Assert.Equal((200, """["JSON","PROTOBUF","AVRO"]"""), types);

        var registered = await CurlAsync("-X", "POST", "-H", Json, "--data", Body(RegistryApiTests.UserV1), "/subjects/curl-value/versions");
        Assert.Equal(200, registered.Status);
        int id = JsonDocument.Parse(registered.Body).RootElement.GetProperty("id").GetInt32();

        var version = await CurlAsync("/subjects/curl-value/versions/latest");
        Assert.Equal(200, version.Status);
        var v = JsonDocument.Parse(version.Body).RootElement;
        Assert.Equal(("curl-value", 1, id), (v.GetProperty("subject").GetString(), v.GetProperty("version").GetInt32(), v.GetProperty("id").GetInt32()));
        Assert.Equal(200, (await CurlAsync($"/schemas/ids/{id}")).Status);
        Assert.Equal((200, $$"""[{"subject":"curl-value","version":1}]"""), await CurlAsync($"/schemas/ids/{id}/versions"));
        Assert.Equal((200, """["curl-value"]"""), await CurlAsync($"/schemas/ids/{id}/subjects"));

        // Not found: subject 40401, version 40402, schema 40403; a bad version 42202.
        Assert.Equal((404, 40401), Code(await CurlAsync("/subjects/nope/versions")));
        Assert.Equal((404, 40402), Code(await CurlAsync("/subjects/curl-value/versions/9")));
        Assert.Equal((404, 40403), Code(await CurlAsync("/schemas/ids/9999")));
        Assert.Equal((422, 42202), Code(await CurlAsync("/subjects/curl-value/versions/abc")));
        // Lookup: registered 200, unknown schema 40403.
        Assert.Equal(200, (await CurlAsync("-X", "POST", "-H", Json, "--data", Body(RegistryApiTests.UserV1), "/subjects/curl-value")).Status);
        Assert.Equal((404, 40403), Code(await CurlAsync("-X", "POST", "-H", Json, "--data", Body(RegistryApiTests.UserV2), "/subjects/curl-value")));

        // Bad input: invalid schema 42201, bad level 42203, bad mode 42204, wrong media type 415.
        Assert.Equal((422, 42201), Code(await CurlAsync("-X", "POST", "-H", Json, "--data", Body("""{"type":"record","name":"X","fields":[{"name":"a","type":"nosuch"}]}"""), "/subjects/curl-value/versions")));
        Assert.Equal((422, 42201), Code(await CurlAsync("-X", "POST", "-H", Json, "--data", Body("message {", "PROTOBUF"), "/subjects/curl-value/versions")));
        Assert.Equal((422, 42203), Code(await CurlAsync("-X", "PUT", "-H", Json, "--data", """{"compatibility":"SIDEWAYS"}""", "/config/curl-value")));
        Assert.Equal((422, 42204), Code(await CurlAsync("-X", "PUT", "-H", Json, "--data", """{"mode":"SOMETIMES"}""", "/mode/curl-value")));
        Assert.Equal(415, (await CurlAsync("-X", "POST", "-H", "Content-Type: text/plain", "--data", "x", "/subjects/curl-value/versions")).Status);

        // Compatibility: the subject's own level (40408 until set), verbose checks, 409 on register.
        Assert.Equal((404, 40408), Code(await CurlAsync("/config/curl-value")));
        Assert.Equal((200, """{"compatibilityLevel":"BACKWARD"}"""), await CurlAsync("/config/curl-value?defaultToGlobal=true"));
        Assert.Equal((200, """{"compatibility":"FULL"}"""), await CurlAsync("-X", "PUT", "-H", Json, "--data", """{"compatibility":"FULL"}""", "/config/curl-value"));
        var check = await CurlAsync("-X", "POST", "-H", Json, "--data", Body(RegistryApiTests.UserRequiredEmail), "/compatibility/subjects/curl-value/versions/latest?verbose=true");
        Assert.Equal(200, check.Status);
        var verdict = JsonDocument.Parse(check.Body).RootElement;
        Assert.False(verdict.GetProperty("is_compatible").GetBoolean());
        Assert.Contains("READER_FIELD_MISSING_DEFAULT_VALUE", verdict.GetProperty("messages")[0].GetString());
        Assert.Equal((200, """{"is_compatible":true}"""), await CurlAsync("-X", "POST", "-H", Json, "--data", Body(RegistryApiTests.UserV2), "/compatibility/subjects/curl-value/versions/latest"));
        Assert.Equal((409, 409), Code(await CurlAsync("-X", "POST", "-H", Json, "--data", Body(RegistryApiTests.UserRequiredEmail), "/subjects/curl-value/versions")));

        // Modes: READONLY refuses writes with 42205; IMPORT needs an empty registry (or force).
        Assert.Equal((200, """{"mode":"READONLY"}"""), await CurlAsync("-X", "PUT", "-H", Json, "--data", """{"mode":"READONLY"}""", "/mode/curl-value"));
        Assert.Equal((422, 42205), Code(await CurlAsync("-X", "POST", "-H", Json, "--data", Body(RegistryApiTests.UserV2), "/subjects/curl-value/versions")));
        Assert.Equal((200, """{"mode":"READONLY"}"""), await CurlAsync("-X", "DELETE", "/mode/curl-value"));
        Assert.Equal((422, 42205), Code(await CurlAsync("-X", "PUT", "-H", Json, "--data", """{"mode":"IMPORT"}""", "/mode")));
        Assert.Equal((200, """{"mode":"READWRITE"}"""), await CurlAsync("/mode"));

        Assert.Equal((200, "[1]"), await CurlAsync("-X", "DELETE", "/subjects/curl-value"));
        Assert.Equal((200, "[]"), await CurlAsync("/subjects"));
        Assert.Equal((404, 404), Code(await CurlAsync("/no/such/route")));
    }

    private static (int, int) Code((int Status, string Body) answer) => (answer.Status, ErrorCode(answer.Body));
}
