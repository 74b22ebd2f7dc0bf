using System.Text.Json;
using System.Text.Json.Serialization;

namespace ControlCenter.SchemaRegistry.Storage;

/// <summary>
/// The keys and values of Confluent's _schemas topic, in its JSON layout, so a registry started
/// on a topic written by Confluent's (or the other way round) reads the same subjects and ids.
/// </summary>
public sealed class SchemaRecordKey
{
    [JsonPropertyName("keytype")] public string KeyType { get; set; } = "";
    [JsonPropertyName("subject")] public string? Subject { get; set; }
    [JsonPropertyName("version")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Version { get; set; }
    [JsonPropertyName("magic")] public int Magic { get; set; }

    public const string Schema = "SCHEMA", Config = "CONFIG", Mode = "MODE";

    public static SchemaRecordKey ForSchema(string subject, int version) => new() { KeyType = Schema, Subject = subject, Version = version, Magic = 1 };
    public static SchemaRecordKey ForConfig(string? subject) => new() { KeyType = Config, Subject = subject, Magic = 0 };
    public static SchemaRecordKey ForMode(string? subject) => new() { KeyType = Mode, Subject = subject, Magic = 0 };
}

public sealed class SchemaRecordValue
{
    [JsonPropertyName("subject")] public string Subject { get; set; } = "";
    [JsonPropertyName("version")] public int Version { get; set; }
    [JsonPropertyName("id")] public int Id { get; set; }
    [JsonPropertyName("schemaType")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? SchemaType { get; set; }
    [JsonPropertyName("references")] public List<ReferenceRecord>? References { get; set; }
    [JsonPropertyName("schema")] public string Schema { get; set; } = "";
    [JsonPropertyName("deleted")] public bool Deleted { get; set; }
}

public sealed class ReferenceRecord
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("subject")] public string Subject { get; set; } = "";
    [JsonPropertyName("version")] public int Version { get; set; }
}

public sealed class ConfigRecordValue
{
    [JsonPropertyName("compatibilityLevel")] public string? CompatibilityLevel { get; set; }
}

public sealed class ModeRecordValue
{
    [JsonPropertyName("mode")] public string? Mode { get; set; }
}

internal static class SchemaRecordJson
{
    public static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T? Deserialize<T>(byte[] data) where T : class
    {
        try { return JsonSerializer.Deserialize<T>(data, Options); }
        catch (JsonException) { return null; } // a record this registry does not know (NOOP, DELETE_SUBJECT …)
    }
}
