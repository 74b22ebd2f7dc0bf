namespace ControlCenter.Kafka.Messages;

public sealed record MessageHeader(string Key, byte[]? Value);

/// <summary>
/// A record as the pages show it. Key and value are previews capped at <see cref="PreviewLimit"/>
/// bytes (their full sizes are kept), so a 10 MB value never sits in a page's memory; the full
/// value is downloaded separately. Contents are untrusted: pages render them as text only.
/// </summary>
public sealed record KafkaMessage(
    string Topic,
    int Partition,
    long Offset,
    DateTimeOffset? Timestamp,
    string TimestampType,
    byte[]? Key,
    int KeySize,
    byte[]? Value,
    int ValueSize,
    IReadOnlyList<MessageHeader>? Headers)
{
    public const int PreviewLimit = 64 * 1024;

    /// <summary>The key decoded by its schema, when it is in a schema registry's wire format.</summary>
    public SchemaDecoding? KeyDecoded { get; init; }

    /// <summary>The value decoded by its schema, when it is in a schema registry's wire format.</summary>
    public SchemaDecoding? ValueDecoded { get; init; }

    public bool KeyTruncated => Key is not null && KeySize > Key.Length;
    public bool ValueTruncated => Value is not null && ValueSize > Value.Length;
    public int HeadersSize => Headers?.Sum(h => h.Key.Length + (h.Value?.Length ?? 0)) ?? 0;

    public static byte[]? Preview(ReadOnlySpan<byte> data, bool isNull, int limit = PreviewLimit) =>
        isNull ? null : data[..Math.Min(data.Length, limit)].ToArray();
}
