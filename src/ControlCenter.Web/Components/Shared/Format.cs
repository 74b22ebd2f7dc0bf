using System.Globalization;
using ControlCenter.Kafka.Topics;

namespace ControlCenter.Web.Components.Shared;

/// <summary>How numbers read on the pages: sizes in binary units, counts with separators, durations in words.</summary>
public static class Format
{
    private static readonly string[] SizeUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    public static string Bytes(long? bytes)
    {
        if (bytes is null) return "—";
        double value = bytes.Value;
        int unit = 0;
        while (Math.Abs(value) >= 1024 && unit < SizeUnits.Length - 1) { value /= 1024; unit++; }
        return unit == 0 ? $"{bytes.Value:N0} B" : $"{value.ToString(value < 10 ? "0.##" : value < 100 ? "0.#" : "0", CultureInfo.InvariantCulture)} {SizeUnits[unit]}";
    }

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>An offset, the same way everywhere: plain digits, as Kafka's tools print them and as they are typed back (kcat -o 1234).</summary>
    public static string Offset(long offset) => offset.ToString(CultureInfo.InvariantCulture);

    public static string Rate(double? perSecond, string unit = "/s") =>
        perSecond is null ? "—" : perSecond.Value < 10 ? $"{perSecond.Value:0.#}{unit}" : $"{perSecond.Value:N0}{unit}";

    /// <summary>Bytes per second: "—" when unknown (no readable log dir), else "1.2 MiB/s".</summary>
    public static string ByteRate(double? perSecond) => perSecond is null ? "—" : Bytes((long)Math.Round(perSecond.Value)) + "/s";

    /// <summary>A number short enough for a chart axis: 950, 12.5k, 3.1M.</summary>
    public static string Compact(double value) =>
        Math.Abs(value) >= 1e9 ? (value / 1e9).ToString("0.#", CultureInfo.InvariantCulture) + "G"
        : Math.Abs(value) >= 1e6 ? (value / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M"
        : Math.Abs(value) >= 1e3 ? (value / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k"
        : value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>A duration in milliseconds as people say it: "7 days", "1 h 30 min", "unlimited" for -1.</summary>
    public static string Duration(long? ms)
    {
        if (ms is null) return "—";
        if (ms < 0) return "unlimited";
        if (ms == long.MaxValue) return "never";
        var t = TimeSpan.FromMilliseconds(ms.Value);
        if (t.TotalDays >= 1 && t.TotalDays == Math.Floor(t.TotalDays)) return $"{t.TotalDays:0} day{(t.TotalDays == 1 ? "" : "s")}";
        if (t.TotalHours >= 1) return t.Minutes == 0 ? $"{Math.Floor(t.TotalHours):0} h" : $"{Math.Floor(t.TotalHours):0} h {t.Minutes} min";
        if (t.TotalMinutes >= 1) return t.Seconds == 0 ? $"{Math.Floor(t.TotalMinutes):0} min" : $"{Math.Floor(t.TotalMinutes):0} min {t.Seconds} s";
        if (t.TotalSeconds >= 1) return $"{t.TotalSeconds:0.###} s";
        return $"{ms} ms";
    }

    /// <summary>A Kafka timestamp (ms since the epoch) as "2026-12-01 07:11:25" UTC; "—" for none (-1).</summary>
    public static string UtcTime(long? ms) =>
        ms is { } t && t >= 0 ? DateTimeOffset.FromUnixTimeMilliseconds(t).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "—";

    /// <summary>"2026-12-01 07:11:25 → 07:12:40": the date once when both fall on one day.</summary>
    public static string UtcTimeRange(long? from, long? to)
    {
        string a = UtcTime(from), b = UtcTime(to);
        return a.Length == 19 && b.Length == 19 && a[..10] == b[..10] ? $"{a} → {b[11..]}" : $"{a} → {b}";
    }

    /// <summary>How long ago, for timestamps: "just now", "5 s ago", "3 min ago", "2 days ago".</summary>
    public static string Ago(DateTimeOffset when, DateTimeOffset? now = null)
    {
        var delta = (now ?? DateTimeOffset.UtcNow) - when;
        if (delta < TimeSpan.Zero) return "in " + Span(-delta);
        if (delta < TimeSpan.FromSeconds(1)) return "just now";
        return Span(delta) + " ago";
    }

    /// <summary>A span in its largest sensible unit: "850 ms", "12 s", "4 min", "3 h", "2 days".</summary>
    public static string Span(TimeSpan span) =>
        span.TotalSeconds < 1 ? $"{span.TotalMilliseconds:0} ms"
        : span.TotalMinutes < 1 ? $"{span.TotalSeconds:0.#} s"
        : span.TotalHours < 1 ? $"{span.TotalMinutes:0} min"
        : span.TotalDays < 1 ? $"{span.TotalHours:0.#} h"
        : $"{span.TotalDays:0.#} days";

    /// <summary>Config values in their natural unit when the name says what they are.</summary>
    public static string? ConfigHint(string name, string? value)
    {
        if (value is null || !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n)) return null;
        // A negative number is "unlimited" only where Kafka reads it so; elsewhere it is an error, not a hint.
        if (n < 0) return TopicConfigRules.MeansUnlimited(name, n) ? "unlimited" : null;
        if (name.EndsWith(".ms", StringComparison.Ordinal)) return Duration(n);
        if (name.EndsWith(".bytes", StringComparison.Ordinal)) return Bytes(n);
        return null;
    }
}
