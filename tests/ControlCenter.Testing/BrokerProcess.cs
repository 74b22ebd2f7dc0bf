using System.Diagnostics;

namespace ControlCenter.Testing;

/// <summary>The broker in a child process (ControlCenter.Broker.Host), so a test can kill it with SIGKILL.</summary>
public sealed class BrokerProcess : IDisposable
{
    private readonly Process _process;

    private BrokerProcess(Process process, string bootstrap)
    {
        _process = process;
        BootstrapServers = bootstrap;
    }

    public string BootstrapServers { get; }
    public int Port => int.Parse(BootstrapServers.Split(':')[1]);
    public int Pid => _process.Id;

    /// <summary>The host's build output, found from this assembly's own bin folder (same configuration).</summary>
    public static string HostDll => RepoPaths.BuildOutput("src/ControlCenter.Broker.Host", "ControlCenter.Broker.Host.dll");

    public static async Task<BrokerProcess> StartAsync(string dataDir, int port = 0, params string[] extraArgs)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(HostDll);
        info.ArgumentList.Add($"--EmbeddedBroker:Port={port}");
        info.ArgumentList.Add($"--EmbeddedBroker:DataDir={dataDir}");
        foreach (var arg in extraArgs) info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the broker process");
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { listening.TrySetException(new InvalidOperationException("Broker exited: " + output)); return; }
            lock (output) output.AppendLine(e.Data);
            if (e.Data.StartsWith("BROKER LISTENING ", StringComparison.Ordinal)) listening.TrySetResult(e.Data["BROKER LISTENING ".Length..].Trim());
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string bootstrap = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return new BrokerProcess(process, bootstrap);
    }

    /// <summary>Peak resident memory of the broker process (VmHWM), in bytes.</summary>
    public long PeakMemoryBytes => ProcessStats.PeakMemoryBytes(Pid);

    /// <summary>User + system CPU time of the broker process, in clock ticks (10 ms).</summary>
    public long CpuTimeTicks => ProcessStats.CpuTimeTicks(Pid);

    /// <summary>SIGKILL: no shutdown hooks, no flush, no clean-shutdown marker.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
