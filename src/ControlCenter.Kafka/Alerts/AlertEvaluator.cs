namespace ControlCenter.Kafka.Alerts;

/// <summary>An alert that changed state on this tick: what notifications and the history are made of.</summary>
public sealed record AlertTransition(ActiveAlert Alert, string Transition);

/// <summary>
/// The state machine of alerts: a key whose condition starts to hold is pending; once it has held
/// for the rule's for-duration it fires; when it stops holding a firing alert resolves (a pending
/// one is simply dropped). Nothing here does I/O: the manager persists and notifies.
/// </summary>
public sealed class AlertEvaluator(string cluster)
{
    private readonly AlertConditions _conditions = new();
    private readonly Dictionary<string, ActiveAlert> _active = new(StringComparer.Ordinal);

    public IReadOnlyCollection<ActiveAlert> Active => _active.Values;

    /// <summary>Puts back alerts that were firing when the app stopped (from the history), so a restart neither loses nor repeats them.</summary>
    public void Restore(IEnumerable<ActiveAlert> firing)
    {
        foreach (var alert in firing) _active[alert.Id] = alert;
    }

    public List<AlertTransition> Evaluate(IReadOnlyList<AlertRule> rules, AlertInputs inputs)
    {
        _conditions.Observe(inputs);
        var transitions = new List<AlertTransition>();
        var now = inputs.Now;
        var ruleIds = rules.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _active.Values.Where(a => !ruleIds.Contains(a.Rule.Id)).ToList())
            Drop(gone, "The rule was removed", transitions);

        foreach (var rule in rules)
        {
            // On a tick that could not read the cluster only broker-down is known; other alerts stay as they were.
            if (!inputs.Status.IsReachable && rule.Kind != AlertKind.BrokerDown) continue;
            // Nor is lag before the groups were first read (after a restart, a restored lag alert must not resolve on nothing).
            if (rule.Kind.UsesGroup() && inputs.GroupsReadAt is null) continue;
            var breaches = _conditions.Find(rule, inputs);
            var holding = new HashSet<string>(StringComparer.Ordinal);
            // A controller move is news at once; its for-duration says how long it stays up (see AlertConditions).
            var delay = rule.Kind == AlertKind.ControllerChange ? TimeSpan.Zero : rule.For;
            foreach (var breach in breaches)
            {
                holding.Add(breach.Key);
                string id = $"{rule.Id}|{breach.Key}";
                var alert = _active.TryGetValue(id, out var known)
                    ? known with { Rule = rule, Value = breach.Value, Message = breach.Message }
                    : new ActiveAlert(cluster, rule, breach.Key, AlertState.Pending, breach.Value, breach.Message, now, null);
                if (alert.State == AlertState.Pending && now - alert.Since >= delay)
                {
                    alert = alert with { State = AlertState.Firing, FiringSince = now };
                    transitions.Add(new(alert, AlertTransitions.Firing));
                }
                _active[id] = alert;
            }
            foreach (var stopped in _active.Values.Where(a => a.Rule.Id == rule.Id && !holding.Contains(a.Key)).ToList())
                Drop(stopped, null, transitions);
        }
        return transitions;
    }

    /// <summary>Marks a firing alert acknowledged; null when there is no such alert.</summary>
    public ActiveAlert? Acknowledge(string id, string user, DateTimeOffset now)
    {
        if (!_active.TryGetValue(id, out var alert) || alert.State != AlertState.Firing) return null;
        return _active[id] = alert with { AcknowledgedBy = user, AcknowledgedAt = now };
    }

    private void Drop(ActiveAlert alert, string? reason, List<AlertTransition> transitions)
    {
        _active.Remove(alert.Id);
        if (alert.State == AlertState.Firing)
            transitions.Add(new(alert with { State = AlertState.Resolved, Message = reason ?? "Resolved: " + alert.Message }, AlertTransitions.Resolved));
    }
}
