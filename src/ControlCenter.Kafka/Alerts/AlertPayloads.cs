using System.Globalization;

namespace ControlCenter.Kafka.Alerts;

/// <summary>What a notification is about: an alert that fired or resolved, at a time.</summary>
public sealed record AlertNotice(ActiveAlert Alert, string Transition, DateTimeOffset Time)
{
    public bool IsFiring => Transition == AlertTransitions.Firing;

    public string Title => $"[{(IsFiring ? "FIRING" : "RESOLVED")}] {Alert.Rule.Name} · {Alert.Key} ({Alert.Cluster})";

    public IEnumerable<(string Name, string Value)> Facts(string? dashboardUrl)
    {
        yield return ("Cluster", Alert.Cluster);
        yield return ("Severity", Alert.Severity.ToString().ToLowerInvariant());
        yield return ("Rule", $"{Alert.Rule.Name}: {Alert.Rule.Description}");
        yield return ("Subject", Alert.Key);
        yield return ("Value", Alert.Value.ToString("0.##", CultureInfo.InvariantCulture));
        yield return (IsFiring ? "Firing since" : "Resolved at", Stamp(IsFiring ? Alert.FiringSince ?? Time : Time));
        if (AlertsLink(dashboardUrl) is { } link) yield return ("Dashboard", link);
    }

    public static string? AlertsLink(string? dashboardUrl) => string.IsNullOrWhiteSpace(dashboardUrl) ? null : dashboardUrl.TrimEnd('/') + "/alerts";

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}

/// <summary>The body of a webhook call in each format (serialized with System.Text.Json, camelCase).</summary>
public static class AlertPayloads
{
    public static object For(WebhookFormat format, AlertNotice notice, string? dashboardUrl) => format switch
    {
        WebhookFormat.Slack => Slack(notice, dashboardUrl),
        WebhookFormat.Teams => Teams(notice, dashboardUrl),
        _ => Generic(notice, dashboardUrl),
    };

    /// <summary>Everything, flat, for scripts and other alert managers.</summary>
    public static object Generic(AlertNotice n, string? dashboardUrl) => new
    {
        status = n.IsFiring ? "firing" : "resolved",
        cluster = n.Alert.Cluster,
        alertId = n.Alert.Id,
        rule = new { id = n.Alert.Rule.Id, name = n.Alert.Rule.Name, kind = n.Alert.Rule.Kind.Name(), threshold = n.Alert.Rule.Threshold, description = n.Alert.Rule.Description },
        severity = n.Alert.Severity.ToString().ToLowerInvariant(),
        key = n.Alert.Key,
        value = n.Alert.Value,
        message = n.Alert.Message,
        since = n.Alert.Since,
        firingSince = n.Alert.FiringSince,
        time = n.Time,
        url = AlertNotice.AlertsLink(dashboardUrl),
    };

    /// <summary>A Slack incoming webhook: text for the notification, blocks for the message.</summary>
    public static object Slack(AlertNotice n, string? dashboardUrl)
    {
        string icon = n.IsFiring ? n.Alert.Severity == AlertSeverity.Critical ? ":red_circle:" : ":large_orange_circle:" : ":white_check_mark:";
        string facts = string.Join("\n", n.Facts(dashboardUrl).Select(f => $"*{f.Name}:* {Escape(f.Value)}"));
        return new
        {
            text = $"{icon} {n.Title}: {n.Alert.Message}",
            blocks = new object[]
            {
                new { type = "header", text = new { type = "plain_text", text = Cut(n.Title, 150) } },
                new { type = "section", text = new { type = "mrkdwn", text = Escape(n.Alert.Message) } },
                new { type = "section", text = new { type = "mrkdwn", text = facts } },
            },
        };
    }

    /// <summary>A Microsoft Teams workflow webhook ("Post to a channel when a webhook request is received"): one Adaptive Card.</summary>
    public static object Teams(AlertNotice n, string? dashboardUrl) => new
    {
        type = "message",
        attachments = new[]
        {
            new
            {
                contentType = "application/vnd.microsoft.card.adaptive",
                content = new Dictionary<string, object>
                {
                    ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                    ["type"] = "AdaptiveCard",
                    ["version"] = "1.4",
                    ["body"] = new object[]
                    {
                        new { type = "TextBlock", text = n.Title, weight = "Bolder", size = "Medium", wrap = true, color = n.IsFiring ? "Attention" : "Good" },
                        new { type = "TextBlock", text = n.Alert.Message, wrap = true },
                        new { type = "FactSet", facts = n.Facts(dashboardUrl).Select(f => new { title = f.Name, value = f.Value }).ToArray() },
                    },
                },
            },
        },
    };

    /// <summary>Slack reads &amp;, &lt; and &gt; as markup: topic names and messages are text.</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
