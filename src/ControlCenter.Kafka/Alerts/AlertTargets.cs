using System.Net.Http.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ControlCenter.Kafka.Alerts;

/// <summary>Somewhere notifications go. <see cref="Name"/> is safe to show and log (no secret of the target).</summary>
public interface IAlertTarget
{
    string Name { get; }
    AlertSeverity MinSeverity { get; }
    Task SendAsync(AlertNotice notice, CancellationToken cancellation);
}

/// <summary>A webhook; a status outside 2xx is a failure (retried).</summary>
public sealed class WebhookTarget(HttpClient http, WebhookOptions options, string? dashboardUrl) : IAlertTarget
{
    private readonly Uri _url = new(options.Url);

    // Scheme, host and port only: Slack's and Teams' webhook paths are credentials.
    public string Name { get; } = $"{options.Format.ToString().ToLowerInvariant()} webhook {new Uri(options.Url).GetLeftPart(UriPartial.Authority)}";
    public AlertSeverity MinSeverity => options.MinSeverity;

    public async Task SendAsync(AlertNotice notice, CancellationToken cancellation)
    {
        using var response = await http.PostAsJsonAsync(_url, AlertPayloads.For(options.Format, notice, dashboardUrl), AlertStore.Json, cancellation);
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
    }
}

/// <summary>E-mail through an SMTP server (MailKit): STARTTLS when offered, TLS from the start with UseSsl, a login when a user name is set.</summary>
public sealed class EmailTarget(EmailOptions options, string? dashboardUrl, TimeSpan timeout) : IAlertTarget
{
    public string Name { get; } = $"e-mail via {options.Host}:{options.Port} to {string.Join(", ", options.To)}";
    public AlertSeverity MinSeverity => options.MinSeverity;

    public async Task SendAsync(AlertNotice notice, CancellationToken cancellation)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From));
        foreach (string to in options.To) message.To.Add(MailboxAddress.Parse(to));
        message.Subject = notice.Title;
        message.Body = new TextPart("plain")
        {
            Text = notice.Alert.Message + "\n\n" + string.Join("\n", notice.Facts(dashboardUrl).Select(f => $"{f.Name}: {f.Value}")) + "\n",
        };
        using var smtp = new SmtpClient { Timeout = (int)timeout.TotalMilliseconds };
        await smtp.ConnectAsync(options.Host ?? "localhost", options.Port, options.UseSsl ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable, cancellation);
        if (!string.IsNullOrEmpty(options.UserName)) await smtp.AuthenticateAsync(options.UserName, options.Password ?? "", cancellation);
        await smtp.SendAsync(message, cancellation);
        await smtp.DisconnectAsync(true, cancellation);
    }
}
