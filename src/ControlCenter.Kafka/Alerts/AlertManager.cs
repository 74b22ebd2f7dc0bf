using System.Globalization;
using ControlCenter.Kafka.Cluster;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ControlCenter.Kafka.Alerts;

/// <summary>
/// Alerts of the cluster: evaluates every rule at the end of each monitor tick (no requests of
/// its own: it reads what the monitor just read), records transitions in the durable history,
/// hands them to the notifier unless silenced, and keeps rules added in the UI and silences.
/// </summary>
public sealed class AlertManager : IHostedService
{
    private readonly IClusterState _cluster;
    private readonly Metrics.LiveMetrics _metrics;
    private readonly ClusterConnection _connection;
    private readonly AlertNotifier _notifier;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertManager> _logger;
    private readonly AlertOptions _options;
    private readonly Lock _lock = new();
    private readonly List<AlertRule> _configured;
    private List<AlertRule> _added = [];
    private List<AlertSilence> _silences = [];
    private AlertEvaluator? _evaluator;
    private AlertStore? _store;
    private long _evaluations;

    public AlertManager(IClusterState cluster, Metrics.LiveMetrics metrics, ClusterConnection connection, AlertNotifier notifier,
        IOptions<AlertOptions> options, TimeProvider time, ILogger<AlertManager> logger)
    {
        (_cluster, _metrics, _connection, _notifier, _time, _logger, _options) = (cluster, metrics, connection, notifier, time, logger, options.Value);
        _configured = _options.Compile().Rules; // problems stop start-up (StartupChecks)
    }

    public bool Enabled => _options.Enabled;
    public string Directory => _store?.Directory ?? Path.GetFullPath(_options.Directory);
    public string Cluster => _cluster.DisplayName;
    public IReadOnlyList<string> Targets => _notifier.TargetNames;
    /// <summary>Rule evaluations so far: one per monitor tick (tests, diagnostics).</summary>
    public long Evaluations => Interlocked.Read(ref _evaluations);

    public IReadOnlyList<AlertRule> Rules { get { lock (_lock) return [.. _configured, .. _added]; } }

    /// <summary>Firing first, then pending; the most severe and oldest first.</summary>
    public IReadOnlyList<ActiveAlert> Active
    {
        get
        {
            lock (_lock)
                return (_evaluator?.Active ?? []).OrderBy(a => a.State).ThenByDescending(a => a.Severity).ThenBy(a => a.Since).ToList();
        }
    }

    public int FiringCount { get { lock (_lock) return _evaluator?.Active.Count(a => a.State == AlertState.Firing) ?? 0; } }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<AlertEvent> History => _store is { } store ? store.History.Reverse().ToList() : [];

    public IReadOnlyList<AlertSilence> Silences { get { lock (_lock) return _silences.Where(s => s.Until > _time.GetUtcNow()).ToList(); } }

    /// <summary>Raised after anything shown changed (a tick's transitions, a rule, an acknowledgement, a silence).</summary>
    public event Action? Changed;

    /// <summary>Raised for every history entry as it is written (the hub forwards these).</summary>
    public event Action<AlertEvent>? Recorded;

    public bool IsSilenced(ActiveAlert alert) => SilenceOf(alert) is not null;

    public AlertSilence? SilenceOf(ActiveAlert alert)
    {
        var now = _time.GetUtcNow();
        lock (_lock) return _silences.FirstOrDefault(s => s.Covers(alert, now));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Enabled) return Task.CompletedTask;
        var store = new AlertStore(_options.Directory, _options.HistoryLimit);
        lock (_lock)
        {
            _store = store;
            _added = store.LoadRules();
            _silences = store.LoadSilences();
            _evaluator = new AlertEvaluator(_cluster.DisplayName);
            _evaluator.Restore(FiringAtStop(store.History, [.. _configured, .. _added]));
        }
        _notifier.Completed += OnDelivered;
        _cluster.Changed += OnTick;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _cluster.Changed -= OnTick;
        _notifier.Completed -= OnDelivered;
        return Task.CompletedTask;
    }

    private void OnTick()
    {
        try { Evaluate(); }
        catch (Exception e) { _logger.LogError(e, "Evaluating alert rules failed"); }
    }

    /// <summary>One evaluation of every rule on what the monitor last read (the monitor calls this after each tick).</summary>
    internal void Evaluate()
    {
        var now = _time.GetUtcNow();
        var inputs = new AlertInputs(_cluster.Status, _cluster.Snapshot, _cluster.GroupLags, _metrics.Latest, _connection.LogDirs, now, _cluster.GroupsReadAt);
        var events = new List<AlertEvent>();
        var notices = new List<AlertNotice>();
        lock (_lock)
        {
            if (_evaluator is null) return;
            foreach (var (alert, transition) in _evaluator.Evaluate([.. _configured, .. _added], inputs))
            {
                events.Add(EventOf(alert, transition, now, alert.Message));
                var silence = _silences.FirstOrDefault(s => s.Covers(alert, now));
                if (silence is null) notices.Add(new AlertNotice(alert, transition, now));
                else if (_notifier.TargetNames.Count > 0)
                    events.Add(EventOf(alert, AlertTransitions.Suppressed, now, $"{transition} not sent: silenced by {silence.By} until {Stamp(silence.Until)}"));
            }
            _store!.Append(events);
            Interlocked.Increment(ref _evaluations);
        }
        foreach (var notice in notices) _notifier.Enqueue(notice);
        Announce(events);
    }

    public AlertRule AddRule(AlertRule draft, string user)
    {
        var candidate = draft with { Id = "ui-" + Guid.NewGuid().ToString("N")[..10], Name = draft.Name.Trim(), FromConfiguration = false };
        if (AlertOptions.Validate(candidate, out var rule) is { } problem) throw new ArgumentException(problem);
        lock (_lock)
        {
            RequireStore();
            _store!.SaveRules([.. _added, rule]);
            _added = [.. _added, rule];
        }
        _logger.LogInformation("Alert rule {Rule} ({Kind}) added by {User}", rule.Name, rule.Kind.Name(), user);
        Changed?.Invoke();
        return rule;
    }

    /// <summary>Removes a rule added in the UI (configured ones are changed in configuration); its alerts resolve on the next tick.</summary>
    public bool RemoveRule(string id, string user)
    {
        lock (_lock)
        {
            RequireStore();
            if (_configured.Any(r => r.Id == id)) throw new InvalidOperationException("This rule comes from configuration (Alerts:Rules): change it there.");
            if (_added.All(r => r.Id != id)) return false;
            var kept = _added.Where(r => r.Id != id).ToList();
            _store!.SaveRules(kept);
            _added = kept;
        }
        _logger.LogInformation("Alert rule {Id} removed by {User}", id, user);
        Changed?.Invoke();
        return true;
    }

    public ActiveAlert? Acknowledge(string alertId, string user)
    {
        AlertEvent entry;
        ActiveAlert? alert;
        lock (_lock)
        {
            RequireStore();
            var now = _time.GetUtcNow();
            alert = _evaluator!.Acknowledge(alertId, user, now);
            if (alert is null) return null;
            entry = EventOf(alert, AlertTransitions.Acknowledged, now, $"Acknowledged by {user}", user);
            _store!.Append([entry]);
        }
        Announce([entry]);
        return alert;
    }

    /// <summary>Holds back notifications of a rule ("*" every rule), or of one alert of it, for a while.</summary>
    public AlertSilence Silence(string ruleId, string? key, TimeSpan duration, string comment, string user)
    {
        if (duration <= TimeSpan.Zero || duration > TimeSpan.FromDays(30)) throw new ArgumentException("A silence lasts more than 0 and at most 30 days.");
        AlertEvent entry;
        AlertSilence silence;
        lock (_lock)
        {
            RequireStore();
            var rule = ruleId == "*" ? null : Rules.FirstOrDefault(r => r.Id == ruleId) ?? throw new ArgumentException($"No alert rule has the id '{ruleId}'.");
            var now = _time.GetUtcNow();
            silence = new AlertSilence(Guid.NewGuid().ToString("N")[..10], ruleId, string.IsNullOrEmpty(key) ? null : key, now + duration, user, comment.Trim(), now);
            var live = _silences.Where(s => s.Until > now).Append(silence).ToList();
            _store!.SaveSilences(live);
            _silences = live;
            entry = new AlertEvent(now, Cluster, ruleId, rule?.Name ?? "every rule", rule?.Kind ?? default, rule?.Severity ?? default, key ?? "*",
                AlertTransitions.Silenced, null, $"Silenced by {user} until {Stamp(silence.Until)}" + (silence.Comment.Length > 0 ? $": {silence.Comment}" : ""), user);
            _store.Append([entry]);
        }
        Announce([entry]);
        return silence;
    }

    public bool Unsilence(string silenceId, string user)
    {
        AlertEvent entry;
        lock (_lock)
        {
            RequireStore();
            var silence = _silences.FirstOrDefault(s => s.Id == silenceId);
            if (silence is null) return false;
            var now = _time.GetUtcNow();
            var kept = _silences.Where(s => s.Id != silenceId && s.Until > now).ToList();
            _store!.SaveSilences(kept);
            _silences = kept;
            var rule = Rules.FirstOrDefault(r => r.Id == silence.RuleId);
            entry = new AlertEvent(now, Cluster, silence.RuleId, rule?.Name ?? "every rule", rule?.Kind ?? default, rule?.Severity ?? default, silence.Key ?? "*",
                AlertTransitions.Unsilenced, null, $"Silence ended by {user}", user);
            _store.Append([entry]);
        }
        Announce([entry]);
        return true;
    }

    private void OnDelivered(AlertDelivery delivery)
    {
        var alert = delivery.Notice.Alert;
        string attempts = delivery.Attempts == 1 ? "1 attempt" : $"{delivery.Attempts} attempts";
        var entry = EventOf(alert, delivery.Delivered ? AlertTransitions.Notified : AlertTransitions.NotifyFailed, _time.GetUtcNow(),
            delivery.Delivered ? $"{delivery.Notice.Transition} sent to {delivery.Target} ({attempts})"
                : $"{delivery.Notice.Transition} not delivered to {delivery.Target} after {attempts}: {delivery.Error}");
        try { _store?.Append([entry]); }
        catch (IOException e) { _logger.LogError(e, "Writing the alert history failed"); }
        Announce([entry]);
    }

    private void Announce(IReadOnlyCollection<AlertEvent> events)
    {
        foreach (var e in events) Recorded?.Invoke(e);
        if (events.Count > 0) Changed?.Invoke();
    }

    private void RequireStore()
    {
        if (_store is null) throw new InvalidOperationException(Enabled ? "Alerts are starting." : "Alerts are turned off (Alerts:Enabled=false).");
    }

    private AlertEvent EventOf(ActiveAlert alert, string transition, DateTimeOffset now, string message, string? user = null) =>
        new(now, alert.Cluster, alert.Rule.Id, alert.Rule.Name, alert.Rule.Kind, alert.Severity, alert.Key, transition, alert.Value, message, user);

    /// <summary>Alerts whose last firing/resolved entry is "firing" (with a later acknowledgement kept), for rules that still exist.</summary>
    private IEnumerable<ActiveAlert> FiringAtStop(IReadOnlyList<AlertEvent> history, IReadOnlyList<AlertRule> rules)
    {
        var byId = rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var last = new Dictionary<(string, string), (AlertEvent Event, AlertEvent? Ack)>();
        foreach (var e in history)
        {
            if (e.Transition is AlertTransitions.Firing or AlertTransitions.Resolved) last[(e.RuleId, e.Key)] = (e, null);
            else if (e.Transition == AlertTransitions.Acknowledged && last.TryGetValue((e.RuleId, e.Key), out var current)) last[(e.RuleId, e.Key)] = (current.Event, e);
        }
        foreach (var (e, ack) in last.Values)
            if (e.Transition == AlertTransitions.Firing && byId.TryGetValue(e.RuleId, out var rule))
                yield return new ActiveAlert(Cluster, rule, e.Key, AlertState.Firing, e.Value ?? 0, e.Message, e.Time, e.Time, ack?.User, ack?.Time);
    }

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
