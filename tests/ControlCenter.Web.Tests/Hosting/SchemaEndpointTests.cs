using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ControlCenter.Web.Tests.Infrastructure;

namespace ControlCenter.Web.Tests.Hosting;

/// <summary>The subject page's HTTP path: a schema far larger than the live connection's messages registers; incompatible ones are explained; a schema-encoded produce.</summary>
public class SchemaEndpointTests : AppTest
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, object body)
    {
        using var http = App.Http(BaseAddress);
        var response = await http.PostAsJsonAsync(path, body, Cancellation);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation)).RootElement.Clone());
    }

    private static string Record(int fields, bool withDefaults) =>
        JsonSerializer.Serialize(new
        {
            type = "record", name = "Wide", doc = new string('d', 100_000), // a schema of ~100 KB+, well past the live connection's 32 KB
            fields = Enumerable.Range(0, fields).Select(i => withDefaults || i < 2
                ? (object)new { name = $"f{i}", type = "string", @default = "" }
                : new { name = $"f{i}", type = "string" }),
        });

    [Fact]
    public async Task ALargeSchemaRegistersAndAnIncompatibleOneIsExplainedNotSaved()
    {
        var (status, first) = await PostAsync("api/schemas/wide-value/register", new { schema = Record(2, true), schemaType = "AVRO" });
        Assert.Equal(HttpStatusCode.OK, status);
        int id = first.GetProperty("id").GetInt32();

        var (_, check) = await PostAsync("api/schemas/wide-value/check", new { schema = Record(3, false), schemaType = "AVRO" });
        Assert.Contains("READER_FIELD_MISSING_DEFAULT_VALUE", check.GetProperty("problems")[0].GetString());
        var (_, refused) = await PostAsync("api/schemas/wide-value/register", new { schema = Record(3, false), schemaType = "AVRO" });
        Assert.Equal(JsonValueKind.Null, refused.GetProperty("id").ValueKind);
        Assert.Equal(1, refused.GetProperty("problems").GetArrayLength());
        var (_, invalid) = await PostAsync("api/schemas/wide-value/check", new { schema = "{\"type\":\"nosuch\"}", schemaType = "AVRO" });
        Assert.StartsWith("The schema is not valid", invalid.GetProperty("error").GetString());

        // The produce form's schema path: JSON in, the wire format out, refused with the field when it does not fit.
        await Clients.CreateTopicAsync(Bootstrap, "wide", 1);
        await Cluster.RefreshAsync(Cancellation);
        var (sent, _) = await PostAsync("api/topics/wide/produce", new { key = "k", value = """{"f0":"a","f1":"b"}""", valueIsJson = true, valueSchemaId = id, acks = "all", count = 1 });
        Assert.Equal(HttpStatusCode.OK, sent);
        var record = Assert.Single(Clients.ReadAll(Bootstrap, "wide", 1, TimeSpan.FromSeconds(10)));
        Assert.Equal([0, (byte)(id >> 24), (byte)(id >> 16), (byte)(id >> 8), (byte)id], record.Message.Value![..5]);
        var (status2, body2) = await PostAsync("api/topics/wide/produce", new { key = "k", value = """{"f0":1}""", valueIsJson = true, valueSchemaId = id, acks = "all", count = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, status2);
        Assert.Contains("does not fit schema", body2.GetProperty("error").GetString());
    }
}
