using System.Text.Json;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using ControlCenter.SchemaRegistry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ControlCenter.RestProxy.Tests;

/// <summary>The avro, jsonschema and protobuf embedded formats through the app's schema registry, as Confluent's proxy takes them.</summary>
public class RestSchemaFormatTests : RestProxyTestBase
{
    private const string Avro = "application/vnd.kafka.avro.v2+json", Protobuf = "application/vnd.kafka.protobuf.v2+json", JsonSchema = "application/vnd.kafka.jsonschema.v2+json";
    private const string User = """{"type":"record","name":"User","fields":[{"name":"name","type":"string"},{"name":"age","type":"int"}]}""";

    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSchemaRegistry(configuration);
        services.AddRestProxy(configuration);
    }

    private async Task<CachedSchemaRegistryClient> RegistryAsync() =>
        new(new SchemaRegistryConfig { Url = await Host.Get<SchemaRegistryServer>().WhenListeningAsync(TestContext.Current.CancellationToken) });

    [Fact]
    public async Task AvroRecordsAreRegisteredEncodedAndReadBackDecoded()
    {
        await Clients.CreateTopicAsync(Bootstrap, "rest-avro");
        string body = JsonSerializer.Serialize(new { value_schema = User, records = new[] { new { value = new { name = "eve", age = 3 } } } });
        var produced = await Rest.PostAsync("/topics/rest-avro", body, Avro);
        Assert.Equal(200, produced.Status);
        using var registry = await RegistryAsync();
        int id = (await registry.GetLatestSchemaAsync("rest-avro-value")).Id;
        Assert.Equal(id, produced.Body.GetProperty("value_schema_id").GetInt32());
        Assert.Equal(JsonValueKind.Null, produced.Body.GetProperty("key_schema_id").ValueKind);

        // By id this time; keys without a key schema are refused, records that do not fit the schema too, and nothing is sent.
        var byId = await Rest.PostAsync("/topics/rest-avro", $$$"""{"value_schema_id":{{{id}}},"records":[{"value":{"name":"fay","age":4}}]}""", Avro);
        Assert.Equal(1, byId.Body.GetProperty("offsets")[0].GetProperty("offset").GetInt64());
        RestProxyClient.AssertError(await Rest.PostAsync("/topics/rest-avro", $$$"""{"value_schema_id":{{{id}}},"records":[{"key":"k","value":{"name":"x","age":1}}]}""", Avro), 422, 42201);
        RestProxyClient.AssertError(await Rest.PostAsync("/topics/rest-avro", """{"records":[{"value":{"name":"x","age":1}}]}""", Avro), 422, 42202);
        RestProxyClient.AssertError(await Rest.PostAsync("/topics/rest-avro", $$$"""{"value_schema_id":{{{id}}},"records":[{"value":{"name":"ok","age":1}},{"value":{"nme":"x"}}]}""", Avro), 422, 42203);

        // Confluent's own deserializer reads what the proxy wrote.
        using (var consumer = new ConsumerBuilder<Ignore, GenericRecord>(new ConsumerConfig { BootstrapServers = Bootstrap, GroupId = "rest-avro-check", AutoOffsetReset = AutoOffsetReset.Earliest })
                   .SetValueDeserializer(new AvroDeserializer<GenericRecord>(registry).AsSyncOverAsync()).Build())
        {
            consumer.Subscribe("rest-avro");
            Assert.Equal("eve", (string)consumer.Consume(TimeSpan.FromSeconds(30))!.Message.Value["name"]);
            Assert.Equal("fay", (string)consumer.Consume(TimeSpan.FromSeconds(30))!.Message.Value["name"]);
            Assert.Null(consumer.Consume(TimeSpan.FromMilliseconds(500))); // the refused requests sent nothing
        }

        // An avro consumer instance answers with the records decoded.
        var created = await Rest.PostAsync("/consumers/rest-avro-group", """{"name":"c1","format":"avro","auto.offset.reset":"earliest"}""");
        string baseUri = created.Body.GetProperty("base_uri").GetString()!;
        string instance = new Uri(baseUri).AbsolutePath;
        await Rest.PostAsync(instance + "/subscription", """{"topics":["rest-avro"]}""");
        var values = new List<string>();
        await Wait.UntilAsync(async () =>
        {
            var read = await Rest.GetAsync(instance + "/records", Avro);
            Assert.Equal(Avro, read.ContentType);
            values.AddRange(read.Body.EnumerateArray().Select(r => r.GetProperty("value").GetProperty("name").GetString()!));
            return values.Count >= 2;
        }, "the avro consumer to read both records", cancellation: TestContext.Current.CancellationToken);
        Assert.Equal(["eve", "fay"], values);
        RestProxyClient.AssertError(await Rest.GetAsync(instance + "/records", RestProxyClient.Json), 406, 40601);
        await Rest.DeleteAsync(instance);
    }

    [Fact]
    public async Task ProtobufAndJsonSchemaRecordsAreEncodedWithTheirSchemas()
    {
        await Clients.CreateTopicAsync(Bootstrap, "rest-proto");
        const string proto = "syntax = \"proto3\"; package demo; message Reading { string sensor = 1; double celsius = 2; repeated int32 flags = 3; }";
        var produced = await Rest.PostAsync("/topics/rest-proto", JsonSerializer.Serialize(new
        {
            value_schema = proto,
            records = new[] { new { value = (object)new { sensor = "s-1", celsius = 21.5, flags = new[] { 1, 2 } } } },
        }), Protobuf);
        Assert.Equal(200, produced.Status);
        var message = Assert.Single(await Host.Get<ControlCenter.Kafka.Messages.MessageBrowser>().FirstPageAsync("rest-proto", [0], ControlCenter.Kafka.Messages.BrowseStart.Oldest, 10) is var page ? page.Records : []);
        var decoded = JsonDocument.Parse(message.ValueDecoded!.Json!).RootElement;
        Assert.Equal(("s-1", 21.5, 2), (decoded.GetProperty("sensor").GetString(), decoded.GetProperty("celsius").GetDouble(), decoded.GetProperty("flags").GetArrayLength()));

        await Clients.CreateTopicAsync(Bootstrap, "rest-json");
        const string schema = """{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}""";
        var ok = await Rest.PostAsync("/topics/rest-json", JsonSerializer.Serialize(new { value_schema = schema, records = new[] { new { value = new { id = 7 } } } }), JsonSchema);
        int id = ok.Body.GetProperty("value_schema_id").GetInt32();
        RestProxyClient.AssertError(await Rest.PostAsync("/topics/rest-json", $$$"""{"value_schema_id":{{{id}}},"records":[{"value":{"id":"seven"}}]}""", JsonSchema), 422, 42203);
        // A schema id of another type than the request's format is refused.
        RestProxyClient.AssertError(await Rest.PostAsync("/topics/rest-json", $$$"""{"value_schema_id":{{{id}}},"records":[{"value":{"id":1}}]}""", Avro), 422, 42203);
    }
}
