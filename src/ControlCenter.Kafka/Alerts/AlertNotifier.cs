using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlCenter.Kafka.Alerts;

/// <summary>How one notification to one target ended (after all its attempts).</summary>
public sealed record AlertDelivery(AlertNotice Notice, string Target, bool Delivered, int Attempts, string? Error);

/// <summary>
/// Sends notifications: each target has its own queue and worker, so a target that is down (and
/// being retried with back-off) delays nobody else, and each target gets an alert's firing before
/// its resolution. The monitor's thread only enqueues.
/// </summary>
public sealed class AlertNotifier : BackgroundService
{
    private readonly List<(IAlertTarget Target, Channel<AlertNotice> Queue)> _targets;
    private readonly NotificationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertNotifier> _logger;

    public AlertNotifier(IOptions<AlertOptions> options, IHttpClientFactory http, TimeProvider time, ILogger<AlertNotifier> logger)
        : this(Targets(options.Value.Notifications, http), options.Value.Notifications, time, logger) { }

    public AlertNotifier(IEnumerable<IAlertTarget> targets, NotificationOptions options, TimeProvider time, ILogger<AlertNotifier> logger)
    {
        _targets = targets.Select(t => (t, Channel.CreateUnbounded<AlertNotice>(new UnboundedChannelOptions { SingleReader = true }))).ToList();
        _options = options;
        _time = time;
        _logger = logger;
    }

    public IReadOnlyList<string> TargetNames => _targets.Select(t => t.Target.Name).ToList();

    /// <summary>Raised on a worker when a notification was delivered or given up.</summary>
    public event Action<AlertDelivery>? Completed;

    /// <summary>Queues the notice for every target whose minimum severity it reaches; the names of those targets.</summary>
    public IReadOnlyList<string> Enqueue(AlertNotice notice)
    {
        var queued = new List<string>();
        foreach (var (target, queue) in _targets)
            if (notice.Alert.Severity >= target.MinSeverity && queue.Writer.TryWrite(notice)) queued.Add(target.Name);
        return queued;
    }

    protected override Task ExecuteAsync(CancellationToken stopping) =>
        Task.WhenAll(_targets.Select(t => Task.Run(() => WorkAsync(t.Target, t.Queue.Reader, stopping), CancellationToken.None)));

    private async Task WorkAsync(IAlertTarget target, ChannelReader<AlertNotice> queue, CancellationToken stopping)
    {
        try
        {
            await foreach (var notice in queue.ReadAllAsync(stopping))
                Completed?.Invoke(await DeliverAsync(target, notice, stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
    }

    private async Task<AlertDelivery> DeliverAsync(IAlertTarget target, AlertNotice notice, CancellationToken stopping)
    {
        string? error = null;
        int attempts = Math.Max(1, _options.MaxAttempts);
        for (int attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                timeout.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(100, _options.TimeoutMs)));
                await target.SendAsync(notice, timeout.Token);
                return new AlertDelivery(notice, target.Name, true, attempt, null);
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                error = e is OperationCanceledException ? $"no answer within {_options.TimeoutMs} ms" : e.Message;
                if (attempt == attempts) break;
                var wait = BackOff(attempt);
                _logger.LogWarning("Alert notification to {Target} failed (attempt {Attempt} of {Attempts}): {Error}; retrying in {Wait} ms",
                    target.Name, attempt, attempts, error, (int)wait.TotalMilliseconds);
                await Task.Delay(wait, _time, stopping);
            }
        }
        _logger.LogError("Alert notification to {Target} given up after {Attempts} attempts: {Error}", target.Name, attempts, error);
        return new AlertDelivery(notice, target.Name, false, attempts, error);
    }

    /// <summary>Base, 2×, 4×… capped at RetryMaxMs.</summary>
    internal TimeSpan BackOff(int failedAttempts)
    {
        double ms = Math.Max(1, _options.RetryBaseMs) * Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        return TimeSpan.FromMilliseconds(Math.Min(ms, Math.Max(_options.RetryBaseMs, _options.RetryMaxMs)));
    }

    private static IEnumerable<IAlertTarget> Targets(NotificationOptions options, IHttpClientFactory http)
    {
        foreach (var hook in options.Webhooks) yield return new WebhookTarget(http.CreateClient(nameof(AlertNotifier)), hook, options.DashboardUrl);
        if (!string.IsNullOrWhiteSpace(options.Email.Host)) yield return new EmailTarget(options.Email, options.DashboardUrl, TimeSpan.FromMilliseconds(options.TimeoutMs));
    }
}
