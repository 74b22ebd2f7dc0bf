using System.Globalization;

namespace ControlCenter.Kafka.Alerts;

/// <summary>One rule of `Alerts:Rules:&lt;i&gt;` (rules added in the UI are kept in the alerts directory instead).</summary>
public sealed class AlertRuleOptions
{
    public string Name { get; set; } = "";
    /// <summary>consumer-lag-records, consumer-lag-seconds, no-production, under-replicated-partitions, offline-partitions, broker-down, controller-change, log-dir-usage, produce-rate-above, produce-rate-below.</summary>
    public string Kind { get; set; } = "";
    public string Topic { get; set; } = "*";
    public string Group { get; set; } = "*";
    public double Threshold { get; set; }
    public double ForSeconds { get; set; }
    public AlertSeverity Severity { get; set; } = AlertSeverity.Warning;
}

public enum WebhookFormat { Json, Slack, Teams }

/// <summary>A webhook: generic JSON, a Slack incoming webhook or a Microsoft Teams workflow (Adaptive Card). The URL is a secret (Slack's carries its token): it is never logged.</summary>
public sealed class WebhookOptions
{
    public string Url { get; set; } = "";
    public WebhookFormat Format { get; set; } = WebhookFormat.Json;
    public AlertSeverity MinSeverity { get; set; } = AlertSeverity.Info;
}

public sealed class EmailOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    /// <summary>True: TLS from the start (port 465); false: STARTTLS when the server offers it.</summary>
    public bool UseSsl { get; set; }
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "kafka-control-center@localhost";
    public List<string> To { get; set; } = [];
    public AlertSeverity MinSeverity { get; set; } = AlertSeverity.Warning;
}

public sealed class NotificationOptions
{
    public List<WebhookOptions> Webhooks { get; set; } = [];
    public EmailOptions Email { get; set; } = new();
    /// <summary>Attempts per notification and target, the first included.</summary>
    public int MaxAttempts { get; set; } = 6;
    /// <summary>Wait before the second attempt; doubled after each failure up to <see cref="RetryMaxMs"/>.</summary>
    public int RetryBaseMs { get; set; } = 2000;
    public int RetryMaxMs { get; set; } = 120_000;
    public int TimeoutMs { get; set; } = 10_000;
    /// <summary>The dashboard's address as users reach it, for links in notifications (none when empty).</summary>
    public string? DashboardUrl { get; set; }
}

/// <summary>The `Alerts` section.</summary>
public sealed class AlertOptions
{
    public const string SectionName = "Alerts";

    public bool Enabled { get; set; } = true;
    /// <summary>Where rules added in the UI, silences and the alert history are kept.</summary>
    public string Directory { get; set; } = "alerts";
    public List<AlertRuleOptions> Rules { get; set; } = [];
    /// <summary>History entries kept (older ones are dropped when the file is compacted at start-up).</summary>
    public int HistoryLimit { get; set; } = 5000;
    public NotificationOptions Notifications { get; set; } = new();

    /// <summary>The configured rules, and what is wrong with them (start-up refuses those, listed by setting).</summary>
    public (List<AlertRule> Rules, List<string> Problems) Compile()
    {
        var rules = new List<AlertRule>();
        var problems = new List<string>();
        for (int i = 0; i < Rules.Count; i++)
        {
            var o = Rules[i];
            string at = $"{SectionName}:Rules:{i}";
            if (!AlertKinds.TryParse(o.Kind, out var kind))
            {
                problems.Add($"{at}:Kind '{o.Kind}' is not a rule kind (use one of {string.Join(", ", AlertKinds.Names)}).");
                continue;
            }
            string id = "config-" + i.ToString(CultureInfo.InvariantCulture);
            if (Validate(new AlertRule(id, string.IsNullOrWhiteSpace(o.Name) ? kind.Name() : o.Name.Trim(), kind, o.Severity, o.Threshold,
                    TimeSpan.FromSeconds(o.ForSeconds), string.IsNullOrWhiteSpace(o.Topic) ? "*" : o.Topic.Trim(), string.IsNullOrWhiteSpace(o.Group) ? "*" : o.Group.Trim(), FromConfiguration: true),
                    out var rule) is { } problem)
                problems.Add($"{at}: {problem}");
            else rules.Add(rule);
        }
        for (int i = 0; i < Notifications.Webhooks.Count; i++)
            if (!Uri.TryCreate(Notifications.Webhooks[i].Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                problems.Add($"{SectionName}:Notifications:Webhooks:{i}:Url is not an http(s) URL.");
        var email = Notifications.Email;
        if (!string.IsNullOrWhiteSpace(email.Host) && email.To.Count == 0)
            problems.Add($"{SectionName}:Notifications:Email:To names no recipient.");
        if (Notifications.MaxAttempts < 1) problems.Add($"{SectionName}:Notifications:MaxAttempts must be at least 1.");
        return (rules, problems);
    }

    /// <summary>Checks a rule from configuration or the UI; the rule returned is the one to keep.</summary>
    public static string? Validate(AlertRule candidate, out AlertRule rule)
    {
        rule = candidate;
        if (candidate.Name.Length is 0 or > 200) return "a rule needs a name of 1 to 200 characters.";
        if (double.IsNaN(candidate.Threshold) || double.IsInfinity(candidate.Threshold) || candidate.Threshold < 0) return "the threshold must be a number of 0 or more.";
        if (candidate.Kind == AlertKind.LogDirUsage && candidate.Threshold is <= 0 or > 100) return "a log-dir usage threshold is a percentage above 0, at most 100.";
        if (candidate.Kind == AlertKind.NoProduction && candidate.Threshold <= 0) return "no-production needs a number of minutes above 0.";
        if (candidate.For < TimeSpan.Zero || candidate.For > TimeSpan.FromDays(1)) return "the for-duration is 0 to 86400 seconds.";
        foreach (var (name, value) in new[] { ("topic", candidate.Topic), ("group", candidate.Group) })
            if (value.Length is 0 or > 255) return $"the {name} pattern is 1 to 255 characters (* for any).";
        return null;
    }
}
