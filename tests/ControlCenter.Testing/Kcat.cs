using System.Diagnostics;

namespace ControlCenter.Testing;

/// <summary>Runs the kcat command-line client (installed by the test script).</summary>
public static class Kcat
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string arguments, string? input = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo("kcat", arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("kcat did not start");
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kcat {arguments} did not finish: {await error}");
        }
        return (process.ExitCode, await output, await error);
    }
}
