using System.Diagnostics;

namespace ControlCenter.Web.Tests.Hosting;

/// <summary>docker-compose.yml is valid (checked with Debian's docker-compose; there is no Docker engine here).</summary>
public class ComposeTests
{
    private static async Task<(int Exit, string Output)> ComposeAsync(string arguments)
    {
        var info = new ProcessStartInfo("docker-compose", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        // Debian's docker-compose is Python: make sure the system python runs it, not another on PATH.
        info.Environment["PATH"] = "/usr/bin:/bin:" + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(info)!;
        string output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    [Fact]
    public async Task ComposeFileValidates()
    {
        var (exit, output) = await ComposeAsync("-f docker-compose.yml config -q");
        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task AppPointsAtTheKafkaServiceAndMountsItsLogDirReadOnly()
    {
        var (exit, output) = await ComposeAsync("-f docker-compose.yml config");
        Assert.Equal(0, exit);
        Assert.Contains("Kafka__BootstrapServers: kafka:29092", output);
        Assert.Contains("Kafka__LogDirs__0: /kafka-data", output);
        Assert.Contains("/kafka-data:ro", output);
        Assert.Contains("127.0.0.1:9021:9021", output.Replace("\"", ""));
        Assert.Contains("INTERNAL://kafka:29092,HOST://localhost:9092", output);
    }
}
