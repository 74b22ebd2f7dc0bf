using System.Security.Claims;
using ControlCenter.Access;
using ControlCenter.Access.Audit;
using ControlCenter.Access.Roles;
using ControlCenter.Kafka.Masking;

namespace ControlCenter.Web.Security;

/// <summary>Thrown where a page action or a hub call is refused; the message is the policy's reason.</summary>
public sealed class AccessDeniedException(string reason) : Exception(reason);

/// <summary>
/// One user's rights, as every path asks them: pages (cascaded by UserAccessProvider), HTTP
/// endpoints and hub calls (from the request's principal). With Auth:Mode=None there is no
/// sign-in and everyone is admin (the app then listens on loopback only, or was told to allow it).
/// </summary>
public sealed class UserAccess(string name, IReadOnlyCollection<string> roles, AccessPolicy policy, AuditLog? audit = null, string? client = null,
    MaskingPolicy? masking = null, ControlCenter.Kafka.Clusters.ClusterDefinition? cluster = null)
{
    public const string ClusterName = AccessPolicy.ClusterName;

    public string Name { get; } = name;
    public IReadOnlyCollection<string> Roles { get; } = roles;
    public bool SignInUsed => policy.Mode != AuthMode.None;
    public bool ReadOnly => policy.ReadOnly || ClusterReadOnly;

    /// <summary>The cluster the page or request is about (null: the default's name, for paths that are not about one).</summary>
    public ControlCenter.Kafka.Clusters.ClusterDefinition? Cluster { get; } = cluster;

    private bool ClusterReadOnly => Cluster?.Options.ReadOnly == true;

    /// <summary>Where the user's requests come from (the browser's address when the page was opened).</summary>
    public string? Client { get; } = client;

    public static UserAccess From(ClaimsPrincipal principal, AccessPolicy policy, AuditLog? audit = null, string? client = null, MaskingPolicy? masking = null,
        ControlCenter.Kafka.Clusters.ClusterDefinition? cluster = null)
    {
        if (policy.Mode == AuthMode.None) return new("anonymous", [BuiltInRoles.Admin], policy, audit, client, masking, cluster);
        if (principal.Identity?.IsAuthenticated != true) return new("", [], policy, audit, client, masking, cluster);
        var identity = principal.Identities.First(i => i.IsAuthenticated);
        return new(identity.Name ?? "", principal.FindAll(identity.RoleClaimType).Select(c => c.Value).Distinct().ToList(), policy, audit, client, masking, cluster);
    }

    /// <summary>Appends an entry by this user to the audit trail (durably, before returning).</summary>
    public void Audit(string action, string target, string result = AuditResults.Ok, string? detail = null, string? parameters = null) =>
        audit?.Record(new AuditEntry(audit.Now, Name, action, target, result, detail, parameters, Client));

    public void Audit(AccessAction action, string target, ControlCenter.Kafka.Topics.AdminResult outcome, string? parameters = null) =>
        Audit(action.Name(), target, outcome.Succeeded ? AuditResults.Ok : AuditResults.Failed, outcome.Error, parameters);

    public void Audit(AccessAction action, string target, string? parameters = null) => Audit(action.Name(), target, AuditResults.Ok, null, parameters);

    public AccessDecision Decide(AccessAction action, ResourceKind kind, string name) =>
        ClusterReadOnly && action.IsMutation() && !policy.ReadOnly
            ? new AccessDecision(false, $"Clusters:{Cluster!.Name}:ReadOnly=true: nothing can be changed on cluster {Cluster.Name} from this dashboard.")
            : policy.Decide(Roles, action, kind, name);

    public bool Can(AccessAction action, ResourceKind kind, string name) => Decide(action, kind, name).Allowed;

    public bool CanSomewhere(AccessAction action, ResourceKind kind) => policy.AllowsSomewhere(Roles, action, kind);

    public bool CanOnCluster(AccessAction action) => Can(action, ResourceKind.Cluster, ClusterResourceName);

    /// <summary>The name role rules of kind cluster match: the cluster's own ("default" for the default one).</summary>
    public string ClusterResourceName => Cluster is null || Cluster.IsDefault ? ClusterName : Cluster.Name;

    /// <summary>Refuses with the policy's reason: the server-side check behind every hidden button.</summary>
    public void Demand(AccessAction action, ResourceKind kind, string name)
    {
        var decision = Decide(action, kind, name);
        if (decision.Allowed) return;
        Audit(action.Name(), $"{kind.ToString().ToLowerInvariant()}:{name}", AuditResults.Refused, decision.Reason);
        throw new AccessDeniedException(decision.Reason!);
    }

    /// <summary>True when record contents reach this user unmasked.</summary>
    public bool SeesUnmasked => policy.MaskingExempt(Roles);

    /// <summary>The mask this user's view of a topic's records gets (null: shown as they are).</summary>
    public RecordMask? MaskFor(string topic) => SeesUnmasked ? null : masking?.For(topic);
}
