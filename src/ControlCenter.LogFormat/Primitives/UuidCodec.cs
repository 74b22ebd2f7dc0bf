namespace ControlCenter.LogFormat;

/// <summary>Kafka UUIDs are 16 big-endian bytes (most significant long first).</summary>
public static class UuidCodec
{
    public static Guid Read(ReadOnlySpan<byte> bytes) => new(bytes, bigEndian: true);

    public static void Write(Span<byte> destination, Guid id)
    {
        if (!id.TryWriteBytes(destination, bigEndian: true, out _))
            throw new ArgumentException("Destination too small for a UUID", nameof(destination));
    }

    /// <summary>Kafka's printable topic id: URL-safe base64 without padding.</summary>
    public static string ToBase64Url(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        Write(bytes, id);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static Guid FromBase64Url(string text)
    {
        string b64 = text.Replace('-', '+').Replace('_', '/');
        b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
        return Read(Convert.FromBase64String(b64));
    }
}
