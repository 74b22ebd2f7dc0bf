namespace ControlCenter.Benchmarks;

/// <summary>"--name value" pairs after the benchmark name.</summary>
public sealed class Options(string[] args)
{
    public string Get(string name, string fallback)
    {
        int i = Array.IndexOf(args, "--" + name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    public int GetInt(string name, int fallback) => int.Parse(Get(name, fallback.ToString()));
}

public static class Report
{
    public static void Line(string what, double value, string unit) => Console.WriteLine($"{what,-40} {value,14:N0} {unit}");
    public static void Line(string what, string value) => Console.WriteLine($"{what,-40} {value,14}");
    public static double Mb(long bytes) => bytes / (1024.0 * 1024.0);
}

public static class Bench
{
    /// <summary>The app as a user runs it (1 s tick, 5 s admin timeout, quiet logs), plus a benchmark's own settings.</summary>
    public static Dictionary<string, string?> AppSettings(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?> { ["Monitor:IntervalMs"] = "1000", ["Kafka:RequestTimeoutMs"] = "5000" };
        foreach (var (key, value) in extra ?? []) settings[key] = value;
        return settings;
    }
}
