using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ControlCenter.Kafka.Messages;

namespace ControlCenter.Kafka.Masking;

/// <summary>A masking rule ready to apply: its JSON paths, headers and regexes, and what to do.</summary>
internal sealed record CompiledMaskRule(IReadOnlyList<JsonMaskPath> Paths, IReadOnlySet<string> Headers, IReadOnlyList<Regex> Regexes, MaskAction Action);

/// <summary>
/// The masking of one topic's records: applied to a record before it is shown, matched, exported
/// or sent, so what a reader cannot see is also what a search cannot find. Keys and values are
/// masked as text (JSON paths where the text is JSON, decoded JSON for schema records, then the
/// regexes); headers by name. When a value that should be JSON cannot be read (a cut-off preview),
/// the whole value is withheld rather than shown with its fields intact.
/// </summary>
public sealed class RecordMask
{
    public const string Masked = "****";
    public const string Withheld = "[withheld: masked fields could not be located in this value]";

    // Characters as written (é, <, &), not \u escapes: the page renders text safely, and a search must find what it shows.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly IReadOnlyList<CompiledMaskRule> _rules;
    private readonly bool _hasPaths;

    internal RecordMask(IReadOnlyList<CompiledMaskRule> rules)
    {
        _rules = rules;
        _hasPaths = rules.Any(r => r.Paths.Count > 0);
    }

    /// <summary>The record as this topic's readers may see it.</summary>
    public KafkaMessage Apply(KafkaMessage message)
    {
        var (key, keyDecoded) = Part(message.Key, message.KeyDecoded);
        var (value, valueDecoded) = Part(message.Value, message.ValueDecoded);
        return message with
        {
            Key = key, KeySize = key?.Length ?? message.KeySize, KeyDecoded = keyDecoded,
            Value = value, ValueSize = value?.Length ?? message.ValueSize, ValueDecoded = valueDecoded,
            Headers = MaskHeaders(message.Headers),
        };
    }

    // A schema record is masked on its decoded JSON, and its raw bytes (which hold the same data in binary) give way to it.
    private (byte[]? Bytes, SchemaDecoding? Decoded) Part(byte[]? bytes, SchemaDecoding? decoded)
    {
        if (bytes is null) return (null, decoded);
        if (decoded is { Json: { } json })
        {
            byte[] masked = Mask(Encoding.UTF8.GetBytes(json));
            return (masked, decoded with { Json = Encoding.UTF8.GetString(masked) });
        }
        if (decoded is not null) return (Encoding.UTF8.GetBytes(Withheld), decoded); // not decodable here: nothing to show safely
        return (Mask(bytes), null);
    }

    /// <summary>A key's or value's bytes as text, masked.</summary>
    public byte[] Mask(ReadOnlySpan<byte> data)
    {
        string original = Encoding.UTF8.GetString(data), text = original;
        try
        {
            if (_hasPaths && LooksLikeJson(text))
            {
                JsonNode? root;
                try { root = JsonNode.Parse(text); }
                catch (JsonException) { return Encoding.UTF8.GetBytes(Withheld); }
                foreach (var rule in _rules)
                    foreach (var path in rule.Paths)
                        path.Apply(root, node => Replace(node, rule.Action), rule.Action == MaskAction.Remove);
                text = root?.ToJsonString(Relaxed) ?? "null";
            }
            foreach (var rule in _rules)
                foreach (var regex in rule.Regexes)
                    text = regex.Replace(text, m => rule.Action switch
                    {
                        MaskAction.Remove => "",
                        MaskAction.Hash => Hash(m.Value),
                        _ => Masked,
                    });
        }
        catch (RegexMatchTimeoutException) { return Encoding.UTF8.GetBytes(Withheld); }
        // Untouched bytes stay as they were (binary values are not pushed through text and back).
        return text == original ? data.ToArray() : Encoding.UTF8.GetBytes(text);
    }

    public IReadOnlyList<MessageHeader>? MaskHeaders(IReadOnlyList<MessageHeader>? headers)
    {
        if (headers is null || headers.Count == 0) return headers;
        var result = new List<MessageHeader>(headers.Count);
        foreach (var header in headers)
        {
            var rule = _rules.FirstOrDefault(r => r.Headers.Contains(header.Key));
            if (rule is null) { result.Add(header with { Value = header.Value is null ? null : Mask(header.Value) }); continue; }
            if (rule.Action == MaskAction.Remove) continue;
            string replacement = rule.Action == MaskAction.Hash && header.Value is { } v ? Hash(Encoding.UTF8.GetString(v)) : Masked;
            result.Add(header with { Value = header.Value is null ? null : Encoding.UTF8.GetBytes(replacement) });
        }
        return result;
    }

    private static JsonNode? Replace(JsonNode? node, MaskAction action) =>
        action == MaskAction.Hash ? JsonValue.Create(Hash(node?.ToJsonString() ?? "null")) : JsonValue.Create(Masked);

    private static string Hash(string text) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    private static bool LooksLikeJson(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        return trimmed.Length > 0 && trimmed[0] is '{' or '[';
    }
}
