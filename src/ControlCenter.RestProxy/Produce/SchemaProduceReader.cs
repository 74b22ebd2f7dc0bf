using System.Text;
using System.Text.Json;
using Confluent.SchemaRegistry;
using ControlCenter.RestProxy.Http;
using ControlCenter.SchemaRegistry.Formats;
using SchemaType = ControlCenter.SchemaRegistry.Formats.SchemaType;
using ControlCenter.SchemaRegistry.Serdes;

namespace ControlCenter.RestProxy.Produce;

/// <summary>A schema'd produce request, encoded: the records as bytes and the schema ids used.</summary>
public sealed record SchemaProduceRequest(List<ProduceRecord> Records, int? KeySchemaId, int? ValueSchemaId);

/// <summary>
/// The avro, jsonschema and protobuf embedded formats, as Confluent's proxy reads them: keys and
/// values are JSON, written with the schema given by <c>key_schema_id</c> / <c>value_schema_id</c>,
/// or by <c>key_schema</c> / <c>value_schema</c> text, which is registered under the topic's
/// subject (<c>topic-key</c>, <c>topic-value</c>) first. Every record is encoded before any is sent.
/// </summary>
public sealed class SchemaProduceReader(SchemaRegistryAccess access, WireFormatSerdes serdes)
{
    /// <param name="demandSchemaWrite">Refuses (throws) when the caller may not register a new schema under the subject.</param>
    public async Task<SchemaProduceRequest> ReadAsync(JsonElement body, EmbeddedFormat format, string topic, CancellationToken cancellation,
        Action<string>? demandSchemaWrite = null)
    {
        var records = ProduceRequestReader.Records(body);
        var type = format switch { EmbeddedFormat.Avro => SchemaType.Avro, EmbeddedFormat.JsonSchema => SchemaType.Json, _ => SchemaType.Protobuf };
        bool anyKey = records.Any(r => RequestBody.Property(r, "key") is not null);
        bool anyValue = records.Any(r => RequestBody.Property(r, "value") is not null);
        int? keyId = anyKey ? await SchemaIdAsync(body, "key", $"{topic}-key", type, demandSchemaWrite, cancellation)
            ?? throw new RestException(422, 42201, "Request includes keys but does not include key schema") : null;
        int? valueId = anyValue ? await SchemaIdAsync(body, "value", $"{topic}-value", type, demandSchemaWrite, cancellation)
            ?? throw new RestException(422, 42202, "Request includes values but does not include value schema") : null;

        var encoded = new List<ProduceRecord>(records.Count);
        for (int i = 0; i < records.Count; i++)
            encoded.Add(new ProduceRecord(
                await EncodeAsync(records[i], "key", keyId, i), await EncodeAsync(records[i], "value", valueId, i), RequestBody.Int(records[i], "partition")));
        return new SchemaProduceRequest(encoded, keyId, valueId);
    }

    private async Task<int?> SchemaIdAsync(JsonElement body, string part, string subject, SchemaType type, Action<string>? demandSchemaWrite, CancellationToken cancellation)
    {
        try
        {
            if (RequestBody.Int(body, $"{part}_schema_id", min: 1) is { } id)
            {
                var entry = await serdes.SchemaAsync(id);
                if (entry.Parsed is null) throw new RestException(408, 40801, $"Schema registration or lookup failed: {entry.Error}");
                if (entry.Parsed.Type != type)
                    throw new RestException(422, 42203, $"Schema {id} is {entry.Parsed.Type.ApiName()}, but the request's embedded format is {type.ApiName()}");
                return id;
            }
            if (RequestBody.String(body, $"{part}_schema") is { } text)
            {
                var client = await access.ClientAsync(cancellation);
                var schema = new Schema(text, ToConfluent(type));
                if (demandSchemaWrite is not null)
                {
                    // A schema the subject already has is only looked up; a new one is a schema write, which the caller's role must allow.
                    try { return await client.GetSchemaIdAsync(subject, schema); }
                    catch (SchemaRegistryException e) when (e.ErrorCode is 40401 or 40403) { demandSchemaWrite(subject); }
                }
                return await client.RegisterSchemaAsync(subject, schema);
            }
            return null;
        }
        catch (SchemaRegistryException e)
        {
            // The registry's own verdict (invalid 42201, incompatible 409 …) passes through.
            throw new RestException((int)e.Status is 409 or 422 ? (int)e.Status : 408, (int)e.Status is 409 or 422 ? e.ErrorCode : 40801,
                $"Schema registration or lookup failed: {e.Message}");
        }
        catch (SchemaRegistryUnavailableException e)
        {
            throw new RestException(408, 40801, $"Schema registration or lookup failed: {e.Message}");
        }
    }

    private async Task<byte[]?> EncodeAsync(JsonElement record, string part, int? schemaId, int index)
    {
        if (RequestBody.Property(record, part) is not { } value || schemaId is not { } id) return null;
        try
        {
            return await serdes.EncodeAsync(id, Encoding.UTF8.GetString(ProduceRequestReader.Compact(value)));
        }
        catch (SchemaEncodingException e)
        {
            throw new RestException(422, 42203, $"Conversion of JSON to Object failed: records[{index}].{part}: {e.Message}");
        }
    }

    private static Confluent.SchemaRegistry.SchemaType ToConfluent(SchemaType type) => type switch
    {
        SchemaType.Avro => Confluent.SchemaRegistry.SchemaType.Avro,
        SchemaType.Json => Confluent.SchemaRegistry.SchemaType.Json,
        _ => Confluent.SchemaRegistry.SchemaType.Protobuf,
    };
}
