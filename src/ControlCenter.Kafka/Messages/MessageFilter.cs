using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ControlCenter.Kafka.Messages;

public enum FilterTarget { Key, Value, Header }

public enum FilterKind { Contains, Regex, JsonFieldEquals }

/// <summary>
/// One search condition. Contains is a byte search of the UTF-8 pattern (case-sensitive);
/// Regex runs .NET's non-backtracking engine, so no pattern can hang the scan; JsonFieldEquals
/// compares the value at a dotted path ("order.customer.id", "items[0].sku") with a literal.
/// </summary>
public sealed record FilterCondition(FilterTarget Target, FilterKind Kind, string Pattern, string? HeaderName = null, string? JsonPath = null);

/// <summary>All conditions must hold (AND), plus an optional timestamp range [From, To).</summary>
public sealed record MessageFilter(IReadOnlyList<FilterCondition> Conditions, DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    public static readonly MessageFilter None = new([]);
    public bool NeedsHeaders => Conditions.Any(c => c.Target == FilterTarget.Header);
    public bool NeedsTimestamps => From is not null || To is not null;

    /// <summary>Checks the filter can run: a regex that compiles, a JSON path that parses. Null when fine.</summary>
    public string? Validate()
    {
        foreach (var c in Conditions)
        {
            if (c.Kind != FilterKind.JsonFieldEquals && c.Pattern.Length == 0) return "A condition has an empty pattern.";
            if (c.Target == FilterTarget.Header && string.IsNullOrEmpty(c.HeaderName)) return "A header condition needs the header's name.";
            if (c.Kind == FilterKind.Regex)
            {
                try { _ = new Regex(c.Pattern, RegexOptions.NonBacktracking); }
                catch (ArgumentException e) { return $"Invalid regular expression: {e.Message}"; }
            }
            if (c.Kind == FilterKind.JsonFieldEquals && JsonPathMatcher.Parse(c.JsonPath) is null)
                return $"Invalid JSON path '{c.JsonPath}': use names separated by dots, with [n] for array items.";
        }
        if (From is { } f && To is { } t && t <= f) return "The end of the time range is before its start.";
        return null;
    }
}

/// <summary>A compiled condition over raw bytes (no decoding when a byte search suffices).</summary>
internal sealed class ByteMatcher
{
    private readonly Func<ReadOnlySpan<byte>, bool> _match;

    public ByteMatcher(FilterCondition condition)
    {
        switch (condition.Kind)
        {
            case FilterKind.Contains:
                byte[] needle = Encoding.UTF8.GetBytes(condition.Pattern);
                _match = data => data.IndexOf(needle) >= 0;
                break;
            case FilterKind.Regex:
                var regex = new Regex(condition.Pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
                _match = data => MatchRegex(regex, data);
                break;
            default:
                var path = JsonPathMatcher.Parse(condition.JsonPath) ?? throw new ArgumentException("Invalid JSON path");
                _match = data => JsonPathMatcher.FieldEquals(data, path, condition.Pattern);
                break;
        }
    }

    public bool IsMatch(ReadOnlySpan<byte> data) => _match(data);

    public static bool All(IReadOnlyList<ByteMatcher> matchers, ReadOnlySpan<byte> data)
    {
        for (int i = 0; i < matchers.Count; i++)
            if (!matchers[i].IsMatch(data)) return false;
        return true;
    }

    private static bool MatchRegex(Regex regex, ReadOnlySpan<byte> data)
    {
        int max = Encoding.UTF8.GetMaxCharCount(data.Length);
        char[] buffer = ArrayPool<char>.Shared.Rent(max);
        try
        {
            int n = Encoding.UTF8.GetChars(data, buffer);
            return regex.IsMatch(buffer.AsSpan(0, n));
        }
        finally { ArrayPool<char>.Shared.Return(buffer); }
    }
}

/// <summary>Finds the value at a dotted path in UTF-8 JSON with a forward-only reader.</summary>
internal static class JsonPathMatcher
{
    /// <summary>"a.b[2].c" → ["a", "b", 2, "c"]; null when malformed.</summary>
    public static object[]? Parse(string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return null;
        var parts = new List<object>();
        foreach (var segment in path.Split('.'))
        {
            var m = Regex.Match(segment, @"^([^\[\]]*)((\[\d+\])*)$");
            if (!m.Success || (m.Groups[1].Value.Length == 0 && m.Groups[2].Value.Length == 0)) return null;
            if (m.Groups[1].Value.Length > 0) parts.Add(m.Groups[1].Value);
            foreach (Match index in Regex.Matches(m.Groups[2].Value, @"\[(\d+)\]")) parts.Add(int.Parse(index.Groups[1].Value));
        }
        return parts.ToArray();
    }

    public static bool FieldEquals(ReadOnlySpan<byte> json, object[] path, string expected)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read()) return false;
            foreach (var step in path)
            {
                if (step is string name)
                {
                    if (reader.TokenType != JsonTokenType.StartObject) return false;
                    if (!SeekProperty(ref reader, name)) return false;
                }
                else
                {
                    if (reader.TokenType != JsonTokenType.StartArray) return false;
                    if (!SeekItem(ref reader, (int)step)) return false;
                }
            }
            return reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString() == expected,
                JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null =>
                    Encoding.UTF8.GetString(reader.ValueSpan) == expected,
                _ => false,
            };
        }
        catch (JsonException) { return false; }
    }

    private static bool SeekProperty(ref Utf8JsonReader reader, string name)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            bool hit = reader.ValueTextEquals(name);
            if (!reader.Read()) return false;
            if (hit) return true;
            reader.Skip();
        }
        return false;
    }

    private static bool SeekItem(ref Utf8JsonReader reader, int index)
    {
        for (int i = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; i++)
        {
            if (i == index) return true;
            reader.Skip();
        }
        return false;
    }
}
