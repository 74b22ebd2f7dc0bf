using System.Text;
using System.Text.Json;

namespace ControlCenter.Kafka.Messages;

public enum ViewFormat { Auto, Text, Json, Hex, Base64 }

/// <summary>
/// Turns record bytes into text for display: pretty JSON when they are JSON, UTF-8 text when
/// they decode cleanly, a hex dump otherwise. The output is plain text; the pages never
/// interpret it as markup.
/// </summary>
public static class MessageFormatter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static (string Text, ViewFormat Shown) Format(byte[]? data, ViewFormat format)
    {
        if (data is null) return ("(null)", format);
        switch (format)
        {
            case ViewFormat.Text: return (Encoding.UTF8.GetString(data), ViewFormat.Text);
            case ViewFormat.Hex: return (HexDump(data), ViewFormat.Hex);
            case ViewFormat.Base64: return (Convert.ToBase64String(data), ViewFormat.Base64);
            case ViewFormat.Json: return (PrettyJson(data) ?? "Not valid JSON.", ViewFormat.Json);
            default:
                if (LooksLikeJson(data) && PrettyJson(data) is { } json) return (json, ViewFormat.Json);
                if (TryUtf8(data) is { } text && !HasControlCharacters(text)) return (text, ViewFormat.Text);
                return (HexDump(data), ViewFormat.Hex);
        }
    }

    /// <summary>A one-line summary for tables: text when possible, else hex, cut to <paramref name="max"/> characters.</summary>
    public static string OneLine(byte[]? data, int max = 160)
    {
        if (data is null) return "(null)";
        if (data.Length == 0) return "(empty)";
        string text = TryUtf8(data) is { } t && !HasControlCharacters(t.Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' '))
            ? t.ReplaceLineEndings(" ")
            : Convert.ToHexString(data.AsSpan(0, Math.Min(data.Length, max / 2))).ToLowerInvariant();
        return text.Length > max ? text[..max] + "…" : text;
    }

    /// <summary>The one-line summary of a key or value, its decoded JSON when it was in a schema registry's wire format.</summary>
    public static string OneLine(byte[]? data, SchemaDecoding? decoded, int max = 160) =>
        decoded?.Json is { } json ? (json.Length > max ? json[..max] + "…" : json) : OneLine(data, max);

    public static bool IsJson(byte[]? data) => data is not null && PrettyJson(data) is not null;

    private static bool LooksLikeJson(byte[] data)
    {
        foreach (byte b in data)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') continue;
            return b is (byte)'{' or (byte)'[' or (byte)'"';
        }
        return false;
    }

    public static string? PrettyJson(byte[] data)
    {
        try
        {
            using var doc = JsonDocument.Parse(data);
            return JsonSerializer.Serialize(doc.RootElement, new JsonSerializerOptions
            {
                WriteIndented = true,
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // display only: keep text readable
            });
        }
        catch (JsonException) { return null; }
    }

    private static string? TryUtf8(byte[] data)
    {
        try { return StrictUtf8.GetString(data); }
        catch (DecoderFallbackException) { return null; }
    }

    private static bool HasControlCharacters(string text)
    {
        foreach (char c in text)
            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t')) return true;
        return false;
    }

    /// <summary>Classic hex dump: offset, 16 bytes in hex, printable ASCII.</summary>
    public static string HexDump(byte[] data)
    {
        var sb = new StringBuilder(data.Length * 4 + 64);
        for (int line = 0; line < data.Length; line += 16)
        {
            var chunk = data.AsSpan(line, Math.Min(16, data.Length - line));
            sb.Append(line.ToString("x8")).Append("  ");
            for (int i = 0; i < 16; i++)
            {
                sb.Append(i < chunk.Length ? chunk[i].ToString("x2") : "  ").Append(i == 7 ? "  " : " ");
            }
            sb.Append(' ');
            foreach (byte b in chunk) sb.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
