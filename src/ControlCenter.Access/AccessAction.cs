namespace ControlCenter.Access;

/// <summary>
/// What a user may be allowed to do, as roles name it in configuration (`messages:read`,
/// `topic:delete`, …). Everything but <see cref="View"/> and the message reads changes the
/// cluster or the registry: <see cref="AccessActions.IsMutation"/> is what read-only mode turns off.
/// </summary>
public enum AccessAction
{
    View,
    MessagesRead,
    MessagesExport,
    MessagesProduce,
    TopicCreate,
    TopicEdit,
    TopicDelete,
    GroupReset,
    GroupDelete,
    SchemaWrite,
    /// <summary>Acknowledge alerts and silence their notifications (rules themselves need cluster:admin).</summary>
    AlertsManage,
    ClusterAdmin,
}

/// <summary>The kind of thing a right applies to; a role's rule names one, with a name pattern.</summary>
public enum ResourceKind
{
    Cluster,
    Topic,
    Group,
    Subject,
}

public static class AccessActions
{
    private static readonly Dictionary<string, AccessAction> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["view"] = AccessAction.View,
        ["messages:read"] = AccessAction.MessagesRead,
        ["messages:export"] = AccessAction.MessagesExport,
        ["messages:produce"] = AccessAction.MessagesProduce,
        ["topic:create"] = AccessAction.TopicCreate,
        ["topic:edit"] = AccessAction.TopicEdit,
        ["topic:delete"] = AccessAction.TopicDelete,
        ["group:reset"] = AccessAction.GroupReset,
        ["group:delete"] = AccessAction.GroupDelete,
        ["schema:write"] = AccessAction.SchemaWrite,
        ["alerts:manage"] = AccessAction.AlertsManage,
        ["cluster:admin"] = AccessAction.ClusterAdmin,
    };

    /// <summary>Every action name a role may use, in the order the documentation lists them.</summary>
    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static bool TryParse(string name, out AccessAction action) => ByName.TryGetValue(name.Trim(), out action);

    public static string Name(this AccessAction action) => ByName.First(kv => kv.Value == action).Key;

    /// <summary>True for what changes a cluster or a registry (read-only mode refuses these to everyone).</summary>
    public static bool IsMutation(this AccessAction action) =>
        action is not (AccessAction.View or AccessAction.MessagesRead or AccessAction.MessagesExport);

    /// <summary>True for what shows record contents (the audit log records each use).</summary>
    public static bool ReadsMessages(this AccessAction action) => action is AccessAction.MessagesRead or AccessAction.MessagesExport;
}
