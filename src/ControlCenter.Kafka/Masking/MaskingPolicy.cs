using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ControlCenter.Kafka.Masking;

/// <summary>
/// The masking rules of configuration, compiled once: which mask a topic's records get (null when
/// no rule names the topic). Whether a reader is exempt is the access policy's to say; callers ask
/// it first. Configuration mistakes are listed by <see cref="Problems"/> so start-up can refuse.
/// </summary>
public sealed class MaskingPolicy
{
    private readonly List<(Regex Topics, CompiledMaskRule Rule)> _rules = [];
    private readonly ConcurrentDictionary<string, RecordMask?> _byTopic = new(StringComparer.Ordinal);

    public MaskingPolicy(IOptions<MaskingOptions> options)
    {
        var problems = new List<string>();
        for (int i = 0; i < options.Value.Rules.Count; i++)
        {
            var rule = options.Value.Rules[i];
            string at = $"Masking:Rules:{i}";
            if (string.IsNullOrWhiteSpace(rule.Topics)) { problems.Add($"{at}:Topics is empty (use * for every topic)."); continue; }
            var paths = new List<JsonMaskPath>();
            foreach (string path in rule.JsonPaths)
                if (JsonMaskPath.Parse(path, out string? problem) is { } parsed) paths.Add(parsed);
                else problems.Add($"{at}:JsonPaths {problem}");
            var regexes = new List<Regex>();
            foreach (string pattern in rule.Regexes)
            {
                try { regexes.Add(new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200))); }
                catch (ArgumentException e) { problems.Add($"{at}:Regexes '{pattern}' is not a regular expression: {e.Message}"); }
            }
            if (paths.Count + rule.Headers.Count + regexes.Count == 0) problems.Add($"{at} names no JSON path, header or regex: it would mask nothing.");
            var topics = NameGlob.Compile(rule.Topics);
            _rules.Add((topics, new CompiledMaskRule(paths, rule.Headers.ToHashSet(StringComparer.OrdinalIgnoreCase), regexes, rule.Action)));
        }
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; }

    public bool HasRules => _rules.Count > 0;

    /// <summary>The mask of a topic's records, or null when no rule names it.</summary>
    public RecordMask? For(string topic) => _byTopic.GetOrAdd(topic, t =>
    {
        var rules = _rules.Where(r => r.Topics.IsMatch(t)).Select(r => r.Rule).ToList();
        return rules.Count == 0 ? null : new RecordMask(rules);
    });
}
