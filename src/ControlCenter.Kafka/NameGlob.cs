using System.Text.RegularExpressions;

namespace ControlCenter.Kafka;

/// <summary>A name pattern as configuration writes it: `*` any characters, `?` one; everything else literal.</summary>
public static class NameGlob
{
    public static Regex Compile(string pattern) =>
        new("^" + Regex.Escape(pattern.Trim()).Replace(@"\*", ".*").Replace(@"\?", ".") + "$",
            RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromMilliseconds(100));
}
