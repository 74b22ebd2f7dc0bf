namespace ControlCenter.Testing;

/// <summary>CPU and memory of a child process, from /proc (Linux).</summary>
public static class ProcessStats
{
    /// <summary>Peak resident memory (VmHWM), in bytes.</summary>
    public static long PeakMemoryBytes(int pid) => StatusKb(pid, "VmHWM:") * 1024;

    /// <summary>Resident memory now (VmRSS), in bytes.</summary>
    public static long ResidentBytes(int pid) => StatusKb(pid, "VmRSS:") * 1024;

    /// <summary>User + system CPU time, in clock ticks (10 ms).</summary>
    public static long CpuTimeTicks(int pid)
    {
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[11]) + long.Parse(fields[12]);
    }

    private static long StatusKb(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        return 0;
    }
}
