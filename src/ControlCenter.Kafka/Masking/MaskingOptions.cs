namespace ControlCenter.Kafka.Masking;

/// <summary>What a rule does to what it finds.</summary>
public enum MaskAction
{
    /// <summary>Replaced by <c>****</c> (a JSON field keeps its place, as a string).</summary>
    Mask,
    /// <summary>Left out: the JSON field or the header is gone, a regex match is cut out.</summary>
    Remove,
    /// <summary>Replaced by <c>sha256:</c> and the first 16 hex digits of its SHA-256: equal values stay recognisably equal.</summary>
    Hash,
}

/// <summary>
/// One rule of the `Masking` section: on topics matching <see cref="Topics"/> (a pattern, `*`
/// any characters), these JSON paths of keys and values, these headers and these regular
/// expressions are masked, removed or hashed.
/// </summary>
public sealed class MaskingRuleOptions
{
    public string Topics { get; set; } = "";

    /// <summary>`$.card.number`, `customer.email`, `items[*].iban`, `$..ssn` (any depth), `*` (any field).</summary>
    public List<string> JsonPaths { get; set; } = [];

    /// <summary>Header names, compared without case.</summary>
    public List<string> Headers { get; set; } = [];

    /// <summary>Regular expressions over the key and value text (after the JSON paths).</summary>
    public List<string> Regexes { get; set; } = [];

    public MaskAction Action { get; set; } = MaskAction.Mask;
}

/// <summary>The `Masking` section. Which roles see records unmasked is said by the roles (Auth:Roles:&lt;name&gt;:MaskingExempt; admin is).</summary>
public sealed class MaskingOptions
{
    public const string SectionName = "Masking";

    public List<MaskingRuleOptions> Rules { get; set; } = [];
}
