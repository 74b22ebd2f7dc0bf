using System.Text.Json;
using Confluent.SchemaRegistry;

namespace ControlCenter.SchemaRegistry.Tests;

/// <summary>Confluent's own registry client against the embedded registry: ids, versions, evolution, refusals, restarts.</summary>
public class RegistryApiTests : SchemaRegistryTestBase
{
    internal const string UserV1 = """{"type":"record","name":"User","namespace":"demo","fields":[{"name":"name","type":"string"}]}""";
    internal const string UserV2 = """{"type":"record","name":"User","namespace":"demo","fields":[{"name":"name","type":"string"},{"name":"age","type":"int","default":0}]}""";
    internal const string UserRequiredEmail = """{"type":"record","name":"User","namespace":"demo","fields":[{"name":"name","type":"string"},{"name":"email","type":"string"}]}""";

    [Fact]
    public async Task RegisteringEvolvesCompatiblyReusesIdsAndRefusesIncompatibleSchemas()
    {
        int v1 = await Registry.RegisterSchemaAsync("users-value", new Schema(UserV1, SchemaType.Avro));
        // The same schema, formatted differently: same id, no new version.
        string reformatted = JsonSerializer.Serialize(JsonDocument.Parse(UserV1).RootElement, new JsonSerializerOptions { WriteIndented = true });
        Assert.Equal(v1, await Registry.RegisterSchemaAsync("users-value", new Schema(reformatted, SchemaType.Avro)));
        // The same schema under another subject shares the id.
        Assert.Equal(v1, await Registry.RegisterSchemaAsync("other-value", new Schema(UserV1, SchemaType.Avro)));

        int v2 = await Registry.RegisterSchemaAsync("users-value", new Schema(UserV2, SchemaType.Avro));
        Assert.NotEqual(v1, v2);
        var latest = await Registry.GetLatestSchemaAsync("users-value");
        Assert.Equal((2, v2), (latest.Version, latest.Id));
        Assert.Equal([1, 2], await Registry.GetSubjectVersionsAsync("users-value"));

        // BACKWARD (the default): a new field without a default cannot read old records.
        var refused = await Assert.ThrowsAsync<SchemaRegistryException>(() => Registry.RegisterSchemaAsync("users-value", new Schema(UserRequiredEmail, SchemaType.Avro)));
        Assert.Equal(409, refused.ErrorCode);
        Assert.Contains("READER_FIELD_MISSING_DEFAULT_VALUE", refused.Message);
        Assert.False(await Registry.IsCompatibleAsync("users-value", new Schema(UserRequiredEmail, SchemaType.Avro)));
        Assert.Equal([1, 2], await Registry.GetSubjectVersionsAsync("users-value"));

        // With NONE on the subject it is accepted.
        await Registry.UpdateCompatibilityAsync(Compatibility.None, "users-value");
        Assert.Equal(Compatibility.None, await Registry.GetCompatibilityAsync("users-value"));
        int v3 = await Registry.RegisterSchemaAsync("users-value", new Schema(UserRequiredEmail, SchemaType.Avro));
        Assert.Equal([1, 2, 3], await Registry.GetSubjectVersionsAsync("users-value"));
        Assert.Equal(v3, (await Registry.GetRegisteredSchemaAsync("users-value", 3)).Id);
    }

    [Fact]
    public async Task IdsAndSettingsSurviveARestartAndNewIdsContinueAfterTheOldOnes()
    {
        int v1 = await Registry.RegisterSchemaAsync("restart-value", new Schema(UserV1, SchemaType.Avro));
        int v2 = await Registry.RegisterSchemaAsync("restart-value", new Schema(UserV2, SchemaType.Avro));
        await Registry.UpdateCompatibilityAsync(Compatibility.Full, "restart-value");

        await StopHostAsync();
        await StartHostAsync(); // a new registry: everything comes back from _schemas

        Assert.Equal(Avro.Schema.Parse(UserV2).ToString(), Avro.Schema.Parse((await Registry.GetSchemaAsync(v2)).SchemaString).ToString());
        Assert.Equal(v1, (await Registry.GetRegisteredSchemaAsync("restart-value", 1)).Id);
        Assert.Equal(Compatibility.Full, await Registry.GetCompatibilityAsync("restart-value"));
        int v3 = await Registry.RegisterSchemaAsync("fresh-value", new Schema("""{"type":"string"}""", SchemaType.Avro));
        Assert.Equal(Math.Max(v1, v2) + 1, v3);
    }

    [Fact]
    public async Task SoftThenHardDeletesFollowConfluentsRules()
    {
        await Registry.RegisterSchemaAsync("gone-value", new Schema(UserV1, SchemaType.Avro));
        await Registry.RegisterSchemaAsync("gone-value", new Schema(UserV2, SchemaType.Avro));

        Assert.Equal((404, 40407), Code(await CallAsync(HttpMethod.Delete, "/subjects/gone-value/versions/1?permanent=true")));
        Assert.Equal((200, "1"), (await CallAsync(HttpMethod.Delete, "/subjects/gone-value/versions/1")));
        Assert.Equal((404, 40406), Code(await CallAsync(HttpMethod.Delete, "/subjects/gone-value/versions/1")));
        Assert.Equal("[2]", (await CallAsync(HttpMethod.Get, "/subjects/gone-value/versions")).Body);
        Assert.Equal("[1,2]", (await CallAsync(HttpMethod.Get, "/subjects/gone-value/versions?deleted=true")).Body);

        Assert.Equal((404, 40405), Code(await CallAsync(HttpMethod.Delete, "/subjects/gone-value?permanent=true")));
        Assert.Equal((200, "[2]"), await CallAsync(HttpMethod.Delete, "/subjects/gone-value"));
        Assert.Equal((404, 40404), Code(await CallAsync(HttpMethod.Delete, "/subjects/gone-value")));
        Assert.DoesNotContain("gone-value", await Registry.GetAllSubjectsAsync());
        Assert.Equal("[\"gone-value\"]", (await CallAsync(HttpMethod.Get, "/subjects?deleted=true")).Body);
        Assert.Equal((200, "[1,2]"), await CallAsync(HttpMethod.Delete, "/subjects/gone-value?permanent=true"));
        Assert.Equal("[]", (await CallAsync(HttpMethod.Get, "/subjects?deleted=true")).Body);
        Assert.Equal((404, 40401), Code(await CallAsync(HttpMethod.Get, "/subjects/gone-value/versions?deleted=true")));
    }

    [Fact]
    public async Task ReferencesResolveAndProtectWhatTheyReference()
    {
        const string address = """{"type":"record","name":"Address","namespace":"demo","fields":[{"name":"city","type":"string"}]}""";
        const string customer = """{"type":"record","name":"Customer","namespace":"demo","fields":[{"name":"address","type":"demo.Address"}]}""";
        await Registry.RegisterSchemaAsync("address", new Schema(address, SchemaType.Avro));
        int id = await Registry.RegisterSchemaAsync("customers-value", new Schema(customer, [new SchemaReference("demo.Address", "address", 1)], SchemaType.Avro));
        var fetched = await Registry.GetSchemaAsync(id);
        Assert.Equal("address", Assert.Single(fetched.References).Subject);
        Assert.Equal($"[{id}]", (await CallAsync(HttpMethod.Get, "/subjects/address/versions/1/referencedby")).Body);
        Assert.Equal((422, 42206), Code(await CallAsync(HttpMethod.Delete, "/subjects/address/versions/1")));
        // Without the reference the type is unknown: invalid schema.
        Assert.Equal((422, 42201), Code(await CallAsync(HttpMethod.Post, "/subjects/bad-value/versions", JsonSerializer.Serialize(new { schema = customer }))));
    }

    [Fact]
    public async Task JsonSchemaAndProtobufReferencesResolveByTheirNames()
    {
        const string address = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";
        await Registry.RegisterSchemaAsync("address-json", new Schema(address, SchemaType.Json));
        int person = await Registry.RegisterSchemaAsync("person-json", new Schema("""{"type":"object","properties":{"home":{"$ref":"address.json"}}}""",
            [new SchemaReference("address.json", "address-json", 1)], SchemaType.Json));
        // The referenced schema takes part in validation: a home without a city does not fit.
        var serdes = Host.Get<ControlCenter.SchemaRegistry.Serdes.WireFormatSerdes>();
        Assert.NotEmpty(await serdes.EncodeAsync(person, """{"home":{"city":"Oslo"}}"""));
        await Assert.ThrowsAsync<ControlCenter.SchemaRegistry.Serdes.SchemaEncodingException>(() => serdes.EncodeAsync(person, """{"home":{}}"""));

        await Registry.RegisterSchemaAsync("other-proto", new Schema("syntax = \"proto3\"; package o; message Addr { string city = 1; }", SchemaType.Protobuf));
        int order = await Registry.RegisterSchemaAsync("order-proto", new Schema("syntax = \"proto3\"; import \"other.proto\"; message Order { o.Addr to = 1; }",
            [new SchemaReference("other.proto", "other-proto", 1)], SchemaType.Protobuf));
        byte[] encoded = await serdes.EncodeAsync(order, """{"to":{"city":"Oslo"}}""");
        var decoded = serdes.Decode("orders", false, encoded)!;
        Assert.Equal("""{"to":{"city":"Oslo"}}""", decoded.Json);
    }

    internal static (int Status, int ErrorCode) Code((int Status, string Body) answer) =>
        (answer.Status, JsonDocument.Parse(answer.Body).RootElement.GetProperty("error_code").GetInt32());
}
