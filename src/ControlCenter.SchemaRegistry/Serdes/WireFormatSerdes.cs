extern alias ProtoParser;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Avro.Generic;
using Avro.IO;
using ControlCenter.Kafka.Messages;
using ControlCenter.SchemaRegistry.Formats;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using ProtoDescriptor = ProtoParser::Google.Protobuf.Reflection.DescriptorProto;

namespace ControlCenter.SchemaRegistry.Serdes;

/// <summary>
/// Confluent's wire format for the dashboard: magic byte 0, the schema id (4 bytes, big-endian),
/// for Protobuf the message indexes, then the data. Decodes keys and values to JSON for
/// browsing, search and export, and encodes JSON typed in the produce form or sent to the REST
/// proxy. Schemas come from the configured registry by id (cached; failures are cached briefly
/// so an unreachable registry costs one timeout, not one per record).
/// </summary>
public sealed class WireFormatSerdes(SchemaRegistryAccess access, TimeProvider time, ILogger<WireFormatSerdes> logger) : IRecordDecoder
{
    private static readonly TimeSpan FailureMemory = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<int, Lazy<Task<SchemaEntry>>> _schemas = new();

    /// <summary>A schema by id, parsed, with the subject-versions that use it.</summary>
    public sealed record SchemaEntry(int Id, ParsedSchema? Parsed, IReadOnlyList<(string Subject, int Version)> Uses, string? Error, DateTimeOffset FetchedAt)
    {
        public (string? Subject, int? Version) NameFor(string topic, bool isKey)
        {
            string preferred = $"{topic}-{(isKey ? "key" : "value")}";
            var use = Uses.FirstOrDefault(u => u.Subject == preferred);
            if (use.Subject is null) use = Uses.FirstOrDefault();
            return (use.Subject, use.Subject is null ? null : use.Version);
        }
    }

    public SchemaDecoding? Decode(string topic, bool isKey, ReadOnlySpan<byte> data)
    {
        if (!access.Enabled || data.Length < 5 || data[0] != 0) return null;
        int id = BinaryPrimitives.ReadInt32BigEndian(data[1..5]);
        // A search decodes every record: a schema already fetched is taken without any task. The
        // first record of an id blocks for the fetch (decoding runs on search threads and in reads);
        // Task.Run keeps a caller's synchronisation context out of it.
        var entry = _schemas.TryGetValue(id, out var cached) && cached.IsValueCreated && cached.Value.IsCompletedSuccessfully
            && cached.Value.Result.Error is null ? cached.Value.Result
            : Task.Run(() => SchemaAsync(id)).GetAwaiter().GetResult();
        var (subject, version) = entry.NameFor(topic, isKey);
        if (entry.Parsed is null) return new SchemaDecoding(id, "unknown", null, Error: entry.Error);
        string format = entry.Parsed.Type.ApiName();
        try
        {
            return new SchemaDecoding(id, format, DecodeToJson(entry.Parsed, data[5..]), subject, version);
        }
        catch (Exception e) when (e is FormatException or Avro.AvroException or InvalidProtocolBufferException or JsonException or EndOfStreamException or IOException or ArgumentException or InvalidOperationException)
        {
            return new SchemaDecoding(id, format, null, subject, version, $"the data does not decode with schema {id}: {e.Message}");
        }
    }

    /// <summary>The schema with this id, from the cache or the registry.</summary>
    public async Task<SchemaEntry> SchemaAsync(int id)
    {
        var lazy = _schemas.GetOrAdd(id, i => new Lazy<Task<SchemaEntry>>(() => FetchAsync(i)));
        var entry = await lazy.Value;
        if (entry.Error is not null && time.GetUtcNow() - entry.FetchedAt > FailureMemory)
        {
            _schemas.TryRemove(new KeyValuePair<int, Lazy<Task<SchemaEntry>>>(id, lazy));
            entry = await _schemas.GetOrAdd(id, i => new Lazy<Task<SchemaEntry>>(() => FetchAsync(i))).Value;
        }
        return entry;
    }

    private async Task<SchemaEntry> FetchAsync(int id)
    {
        try
        {
            var client = await access.ClientAsync(CancellationToken.None);
            var schema = await client.GetSchemaAsync(id);
            var type = SchemaTypes.Parse(schema.SchemaType.ToString()) ?? SchemaType.Avro;
            var references = await ResolveAsync(client, schema.References, 0);
            var parsed = type.Format().Parse(schema.SchemaString, references);
            var rest = await access.RestAsync(CancellationToken.None);
            var uses = await rest.UsesOfIdAsync(id, CancellationToken.None);
            return new SchemaEntry(id, parsed, uses, null, time.GetUtcNow());
        }
        catch (Confluent.SchemaRegistry.SchemaRegistryException e) when (e.ErrorCode == 40403)
        {
            return new SchemaEntry(id, null, [], $"schema id {id} is not in the registry", time.GetUtcNow());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogDebug(e, "Fetching schema {Id} failed", id);
            string reason = e is InvalidSchemaException ? $"schema {id} does not parse: {e.Message}"
                : e is SchemaRegistryUnavailableException ? e.Message
                : $"the schema registry cannot be reached ({e.GetBaseException().Message})";
            return new SchemaEntry(id, null, [], reason, time.GetUtcNow());
        }
    }

    private static async Task<IReadOnlyList<ResolvedReference>> ResolveAsync(Confluent.SchemaRegistry.ISchemaRegistryClient client,
        IEnumerable<Confluent.SchemaRegistry.SchemaReference> references, int depth)
    {
        if (depth > 32) throw new InvalidSchemaException("References nest too deeply");
        var resolved = new List<ResolvedReference>();
        foreach (var reference in references)
        {
            var target = await client.GetRegisteredSchemaAsync(reference.Subject, reference.Version);
            resolved.Add(new ResolvedReference(reference.Name, SchemaTypes.Parse(target.SchemaType.ToString()) ?? SchemaType.Avro,
                target.SchemaString, await ResolveAsync(client, target.References, depth + 1)));
        }
        return resolved;
    }

    private static string DecodeToJson(ParsedSchema parsed, ReadOnlySpan<byte> payload)
    {
        switch (parsed)
        {
            case AvroFormat.Parsed avro:
                return AvroJson.Decode(avro.Schema, payload);
            case ProtobufFormat.Parsed proto:
            {
                var indexes = ReadMessageIndexes(ref payload);
                return proto.Json.Decode(payload, proto.Json.MessageAt(indexes, out _)).ToJsonString();
            }
            default:
                using (var doc = JsonDocument.Parse(payload.ToArray())) return doc.RootElement.GetRawText();
        }
    }

    /// <summary>Confluent's message-index path: a zig-zag varint count, then that many indexes; a lone 0 means [0].</summary>
    private static List<int> ReadMessageIndexes(ref ReadOnlySpan<byte> payload)
    {
        int count = ReadZigZag(ref payload);
        if (count < 0 || count > 100) throw new FormatException($"Invalid message-index count {count}");
        var indexes = new List<int>(count);
        for (int i = 0; i < count; i++) indexes.Add(ReadZigZag(ref payload));
        return indexes.Count == 0 ? [0] : indexes;
    }

    private static int ReadZigZag(ref ReadOnlySpan<byte> payload)
    {
        uint value = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (payload.IsEmpty || shift > 28) throw new FormatException("Truncated message index");
            byte b = payload[0];
            payload = payload[1..];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) break;
        }
        return (int)(value >> 1) ^ -(int)(value & 1);
    }

    /// <summary>
    /// Encodes JSON with schema <paramref name="id"/> into the wire format; the message says what
    /// does not fit the schema (a field, a type, a missing value).
    /// </summary>
    public async Task<byte[]> EncodeAsync(int id, string json, string? protobufMessage = null)
    {
        var entry = await SchemaAsync(id);
        if (entry.Parsed is null) throw new SchemaEncodingException(entry.Error ?? $"Schema {id} is not available");
        byte[] payload;
        byte[] indexes = [];
        try
        {
            switch (entry.Parsed)
            {
                case AvroFormat.Parsed avro:
                {
                    var datum = new GenericDatumReader<object>(avro.Schema, avro.Schema).Read(null!, new JsonDecoder(avro.Schema, json));
                    using var output = new MemoryStream();
                    new GenericDatumWriter<object>(avro.Schema).Write(datum, new BinaryEncoder(output));
                    payload = output.ToArray();
                    break;
                }
                case ProtobufFormat.Parsed proto:
                {
                    var node = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("A Protobuf message takes a JSON object");
                    var (message, path) = FindMessage(proto, protobufMessage);
                    payload = proto.Json.Encode(node, message);
                    indexes = WriteMessageIndexes(path);
                    break;
                }
                default:
                {
                    var schema = ((JsonSchemaFormat.Parsed)entry.Parsed).Schema;
                    var errors = schema.Validate(json);
                    if (errors.Count > 0)
                        throw new FormatException(string.Join("; ", errors.Select(e => $"{(string.IsNullOrEmpty(e.Path) ? "#" : e.Path)}: {e.Kind}")));
                    using var doc = JsonDocument.Parse(json);
                    payload = Encoding.UTF8.GetBytes(doc.RootElement.GetRawText());
                    break;
                }
            }
        }
        catch (Exception e) when (e is FormatException or Avro.AvroException or JsonException or Newtonsoft.Json.JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new SchemaEncodingException($"The JSON does not fit schema {id} ({entry.Parsed.Type.ApiName()}): {e.Message}");
        }
        var frame = new byte[5 + indexes.Length + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1, 4), id);
        indexes.CopyTo(frame.AsSpan(5));
        payload.CopyTo(frame.AsSpan(5 + indexes.Length));
        return frame;
    }

    /// <summary>The named message (full name without package, or simple name), or the file's first one.</summary>
    private static (ProtoDescriptor Message, List<int> Path) FindMessage(ProtobufFormat.Parsed proto, string? name)
    {
        var json = proto.Json;
        if (string.IsNullOrWhiteSpace(name)) return (json.MessageAt([0], out _), [0]);
        foreach (var path in MessagePaths(proto.File.MessageTypes, []))
        {
            var message = json.MessageAt(path, out string full);
            if (full.TrimStart('.').EndsWith(name.TrimStart('.'), StringComparison.Ordinal)) return (message, path);
        }
        throw new FormatException($"The schema has no message {name}");

        static IEnumerable<List<int>> MessagePaths(IList<ProtoDescriptor> level, List<int> prefix)
        {
            for (int i = 0; i < level.Count; i++)
            {
                var path = new List<int>(prefix) { i };
                yield return path;
                foreach (var nested in MessagePaths(level[i].NestedTypes, path)) yield return nested;
            }
        }
    }

    private static byte[] WriteMessageIndexes(List<int> path)
    {
        if (path is [0]) return [0]; // Confluent's shorthand for the first message
        var bytes = new List<byte>();
        foreach (int value in path.Prepend(path.Count))
        {
            uint zigzag = (uint)((value << 1) ^ (value >> 31));
            while (zigzag >= 0x80) { bytes.Add((byte)(zigzag | 0x80)); zigzag >>= 7; }
            bytes.Add((byte)zigzag);
        }
        return bytes.ToArray();
    }
}

/// <summary>JSON that cannot be written with the chosen schema; the message is for the person producing.</summary>
public sealed class SchemaEncodingException(string message) : Exception(message);
