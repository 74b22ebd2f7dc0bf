namespace ControlCenter.Access.Audit;

/// <summary>How an audited request ended.</summary>
public static class AuditResults
{
    public const string Ok = "ok", Refused = "refused", Failed = "failed";
}

/// <summary>
/// One audited act: who (user, client address), when, what (action, target, parameters), through
/// which door (dashboard, rest-proxy, registry) and how it ended (result, with the reason for a
/// refusal or failure). Actions use the role vocabulary (`topic:delete`, `messages:read`) plus
/// `messages:search`, `signin` and `signout`.
/// </summary>
public sealed record AuditEntry(
    DateTimeOffset Time,
    string User,
    string Action,
    string Target,
    string Result,
    string? Detail = null,
    string? Parameters = null,
    string? Client = null,
    string Via = "dashboard");

/// <summary>What the Audit page and the export ask for; every field is optional.</summary>
public sealed record AuditQuery(
    string? User = null,
    string? Action = null,
    string? Target = null,
    string? Result = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null)
{
    public bool Matches(AuditEntry e) =>
        (string.IsNullOrEmpty(User) || e.User.Equals(User, StringComparison.OrdinalIgnoreCase))
        && (string.IsNullOrEmpty(Action) || e.Action.StartsWith(Action, StringComparison.OrdinalIgnoreCase))
        && (string.IsNullOrEmpty(Target) || e.Target.Contains(Target, StringComparison.OrdinalIgnoreCase))
        && (string.IsNullOrEmpty(Result) || e.Result.Equals(Result, StringComparison.OrdinalIgnoreCase))
        && (From is not { } from || e.Time >= from)
        && (To is not { } to || e.Time <= to);
}
