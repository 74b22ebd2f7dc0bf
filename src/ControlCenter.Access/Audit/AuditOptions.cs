namespace ControlCenter.Access.Audit;

/// <summary>The `Audit` section: where the append-only audit files go and how long they are kept.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>Off only when explicitly turned off; on by default.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Directory of the daily files (audit-yyyy-MM-dd.jsonl), relative to the working directory unless absolute.</summary>
    public string Directory { get; set; } = "audit";

    /// <summary>Days of files kept; older ones are deleted when a day starts and at start-up.</summary>
    public int RetentionDays { get; set; } = 90;
}
