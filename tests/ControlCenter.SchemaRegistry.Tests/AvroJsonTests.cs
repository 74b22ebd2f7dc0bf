using System.Text.Json;
using Avro;
using Avro.Generic;
using Avro.IO;
using ControlCenter.SchemaRegistry.Serdes;

namespace ControlCenter.SchemaRegistry.Tests;

/// <summary>The fast Avro-to-JSON decoder writes exactly what Apache.Avro's own JSON encoder writes, for every kind of type.</summary>
public class AvroJsonTests
{
    private const string Everything = """
        {"type":"record","name":"All","namespace":"t","fields":[
          {"name":"n","type":"null"},{"name":"b","type":"boolean"},{"name":"i","type":"int"},{"name":"l","type":"long"},
          {"name":"f","type":"float"},{"name":"d","type":"double"},{"name":"s","type":"string"},{"name":"by","type":"bytes"},
          {"name":"e","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"]}},
          {"name":"fx","type":{"type":"fixed","name":"Four","size":4}},
          {"name":"a","type":{"type":"array","items":"int"}},
          {"name":"m","type":{"type":"map","values":"string"}},
          {"name":"u","type":["null","string","t.Color"]},
          {"name":"u2","type":["null","long"]},
          {"name":"r","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"string"}]}}
        ]}
        """;

    [Fact]
    public void TheOutputIsApacheAvrosJsonEncoding()
    {
        var schema = (RecordSchema)Schema.Parse(Everything);
        var color = (EnumSchema)schema["e"].Schema;
        var inner = new GenericRecord((RecordSchema)schema["r"].Schema);
        inner.Add("x", "in\"ner ü");
        var record = new GenericRecord(schema);
        foreach (var (name, value) in new (string, object?)[]
        {
            ("n", null), ("b", true), ("i", -42), ("l", 1L << 40), ("f", 1.5f), ("d", -0.25), ("s", "héllo <b>"), ("by", new byte[] { 0, 200, 65 }),
            ("e", new GenericEnum(color, "GREEN")), ("fx", new GenericFixed((FixedSchema)schema["fx"].Schema, [1, 2, 3, 255])),
            ("a", new object[] { 1, -2, 300 }), ("m", new Dictionary<string, object> { ["k"] = "v", ["k2"] = "" }),
            ("u", new GenericEnum(color, "RED")), ("u2", null), ("r", inner),
        })
            record.Add(name, value);

        using var binary = new MemoryStream();
        new GenericDatumWriter<GenericRecord>(schema).Write(record, new BinaryEncoder(binary));
        using var json = new MemoryStream();
        var encoder = new JsonEncoder(schema, json);
        new GenericDatumWriter<GenericRecord>(schema).Write(record, encoder);
        encoder.Flush();

        string expected = System.Text.Encoding.UTF8.GetString(json.ToArray());
        string actual = AvroJson.Decode(schema, binary.ToArray());
        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(expected)), JsonSerializer.Serialize(JsonDocument.Parse(actual)));
    }

    [Fact]
    public void BytesThatDoNotFollowTheSchemaAreRefused()
    {
        var schema = Schema.Parse("""{"type":"record","name":"R","fields":[{"name":"s","type":"string"}]}""");
        Assert.Throws<FormatException>(() => AvroJson.Decode(schema, [0x50, 0x41])); // a 40-byte string in 1 byte
        Assert.Throws<FormatException>(() => AvroJson.Decode(schema, [0x02, 0x41, 0x00])); // a byte left over
        Assert.Throws<FormatException>(() => AvroJson.Decode(schema, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]));
    }
}
