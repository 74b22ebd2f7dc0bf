using ControlCenter.SchemaRegistry.Formats;

namespace ControlCenter.SchemaRegistry.Tests;

/// <summary>Each format's reader/writer rules, as the registry's levels use them (BACKWARD: the new schema reads the old one's data).</summary>
public class CompatibilityRuleTests
{
    private static IReadOnlyList<string> NewReadsOld(ISchemaFormat format, string old, string @new) =>
        format.ReadErrors(format.Parse(@new, []), format.Parse(old, []));

    [Theory]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""", """{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}""", "")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}""", """{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""", "TYPE_MISMATCH")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""", """{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string","default":"x"}]}""", "")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""", """{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}""", "READER_FIELD_MISSING_DEFAULT_VALUE")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}""", """{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""", "")]
    [InlineData("""{"type":"enum","name":"E","symbols":["A","B"]}""", """{"type":"enum","name":"E","symbols":["A"]}""", "MISSING_ENUM_SYMBOLS")]
    [InlineData("""["null","string"]""", """["null","string","int"]""", "")]
    [InlineData("""["null","string","int"]""", """["null","string"]""", "MISSING_UNION_BRANCH")]
    public void AvroFollowsSchemaResolution(string old, string @new, string expected) => Check(AvroFormat.Instance, old, @new, expected);

    private const string OpenPerson = """{"type":"object","properties":{"name":{"type":"string"}}}""";
    private const string ClosedPerson = """{"type":"object","properties":{"name":{"type":"string"}},"additionalProperties":false}""";

    [Theory]
    [InlineData(ClosedPerson, """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"additionalProperties":false}""", "")]
    [InlineData(OpenPerson, """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}}}""", "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL")]
    [InlineData(ClosedPerson, """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["age"],"additionalProperties":false}""", "REQUIRED_PROPERTY_ADDED")]
    [InlineData(ClosedPerson, """{"type":"object","properties":{},"additionalProperties":false}""", "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL")]
    [InlineData(OpenPerson, """{"type":"object","properties":{}}""", "")]
    [InlineData("""{"type":"integer"}""", """{"type":"number"}""", "")]
    [InlineData("""{"type":"number"}""", """{"type":"integer"}""", "TYPE_CHANGED")]
    [InlineData("""{"type":"string","maxLength":10}""", """{"type":"string","maxLength":5}""", "MAXLENGTH_NARROWED")]
    [InlineData("""{"type":"string","enum":["a","b"]}""", """{"type":"string","enum":["a"]}""", "ENUM_ARRAY_NARROWED")]
    [InlineData(OpenPerson, """{"type":"object","properties":{"name":{"type":"string"}},"additionalProperties":false}""", "ADDITIONAL_PROPERTIES_REMOVED")]
    public void JsonSchemaFollowsContentModels(string old, string @new, string expected) => Check(JsonSchemaFormat.Instance, old, @new, expected);

    private const string Order = "syntax = \"proto3\"; package shop; message Order { int32 id = 1; string note = 2; }";

    [Theory]
    [InlineData(Order, "syntax = \"proto3\"; package shop; message Order { int32 id = 1; string note = 2; double total = 3; }", "")]
    [InlineData(Order, "syntax = \"proto3\"; package shop; message Order { int32 id = 1; }", "")]
    [InlineData(Order, "syntax = \"proto3\"; package shop; message Order { int64 id = 1; bytes note = 2; }", "")]
    [InlineData(Order, "syntax = \"proto3\"; package shop; message Order { string id = 1; string note = 2; }", "FIELD_KIND_CHANGED")]
    [InlineData(Order, "syntax = \"proto3\"; package shop; message Purchase { int32 id = 1; string note = 2; }", "MESSAGE_REMOVED")]
    [InlineData(Order, "syntax = \"proto3\"; package shop; message Order { repeated int32 id = 1; string note = 2; }", "FIELD_LABEL_CHANGED")]
    [InlineData("syntax = \"proto3\"; message M { oneof o { int32 a = 1; } int32 b = 2; }", "syntax = \"proto3\"; message M { oneof o { int32 a = 1; int32 b = 2; } }", "FIELD_MOVED_TO_EXISTING_ONEOF")]
    [InlineData("syntax = \"proto2\"; message M { optional int32 a = 1; }", "syntax = \"proto2\"; message M { optional int32 a = 1; required int32 b = 2; }", "REQUIRED_FIELD_ADDED")]
    public void ProtobufFollowsWireCompatibility(string old, string @new, string expected) => Check(ProtobufFormat.Instance, old, @new, expected);

    [Fact]
    public void IdentityIgnoresFormattingButNotContent()
    {
        var a = ProtobufFormat.Instance.Parse("syntax = \"proto3\";\npackage shop;\n// an order\nmessage Order {\n  int32 id = 1;\n}\n", []);
        var b = ProtobufFormat.Instance.Parse("syntax=\"proto3\"; package shop; message Order { int32 id = 1; }", []);
        var c = ProtobufFormat.Instance.Parse("syntax=\"proto3\"; package shop; message Order { int64 id = 1; }", []);
        Assert.Equal(a.Identity, b.Identity);
        Assert.NotEqual(a.Identity, c.Identity);
        Assert.Equal(JsonSchemaFormat.Instance.Parse("{ \"type\" : \"string\" }", []).Identity, JsonSchemaFormat.Instance.Parse("{\"type\":\"string\"}", []).Identity);
    }

    [Fact]
    public void InvalidSchemasAreRefusedWithTheReason()
    {
        Assert.Contains("nosuch", Assert.Throws<InvalidSchemaException>(() => AvroFormat.Instance.Parse("""{"type":"nosuch"}""", [])).Message);
        Assert.Throws<InvalidSchemaException>(() => JsonSchemaFormat.Instance.Parse("{not json", []));
        Assert.Contains("line", Assert.Throws<InvalidSchemaException>(() => ProtobufFormat.Instance.Parse("message M { int32 a = ; }", [])).Message);
    }

    private static void Check(ISchemaFormat format, string old, string @new, string expected)
    {
        var errors = NewReadsOld(format, old, @new);
        if (expected.Length == 0) Assert.Empty(errors);
        else Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }
}
