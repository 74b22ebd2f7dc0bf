using System.Text.RegularExpressions;

namespace ControlCenter.Access.Roles;

/// <summary>
/// One right of a role: these actions on resources of one kind whose names match a pattern
/// (`*` any characters, `?` one; `payments-*`). A pattern is matched against the whole name.
/// </summary>
public sealed class RoleRule
{
    private readonly Regex _pattern;

    public RoleRule(ResourceKind kind, string pattern, IEnumerable<AccessAction> actions)
    {
        Kind = kind;
        Pattern = pattern;
        Actions = actions.ToHashSet();
        _pattern = new Regex("^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$",
            RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromMilliseconds(100));
    }

    public ResourceKind Kind { get; }
    public string Pattern { get; }
    public IReadOnlySet<AccessAction> Actions { get; }

    public bool Allows(AccessAction action, ResourceKind kind, string name) =>
        kind == Kind && Actions.Contains(action) && _pattern.IsMatch(name);
}

/// <summary>A named set of rights; a user holds one or more roles.</summary>
public sealed record RoleDefinition(string Name, IReadOnlyList<RoleRule> Rules, bool MaskingExempt = false)
{
    public bool Allows(AccessAction action, ResourceKind kind, string name) => Rules.Any(r => r.Allows(action, kind, name));
}

/// <summary>
/// The three roles every installation has. viewer sees the cluster, its topics, groups and
/// schemas but no record contents; operator also reads, searches, exports and produces
/// records, creates topics and resets offsets; admin may do everything.
/// </summary>
public static class BuiltInRoles
{
    public const string Viewer = "viewer", Operator = "operator", Admin = "admin";

    private static readonly ResourceKind[] Kinds = Enum.GetValues<ResourceKind>();

    private static IEnumerable<RoleRule> Everywhere(params AccessAction[] actions) => Kinds.Select(k => new RoleRule(k, "*", actions));

    public static IReadOnlyDictionary<string, RoleDefinition> All { get; } = new Dictionary<string, RoleDefinition>(StringComparer.Ordinal)
    {
        [Viewer] = new(Viewer, [.. Everywhere(AccessAction.View)]),
        [Operator] = new(Operator,
        [
            .. Everywhere(AccessAction.View),
            new RoleRule(ResourceKind.Topic, "*", [AccessAction.MessagesRead, AccessAction.MessagesExport, AccessAction.MessagesProduce, AccessAction.TopicCreate]),
            new RoleRule(ResourceKind.Group, "*", [AccessAction.GroupReset]),
            new RoleRule(ResourceKind.Cluster, "*", [AccessAction.AlertsManage]),
        ]),
        [Admin] = new(Admin, [.. Everywhere(Enum.GetValues<AccessAction>())]),
    };
}
