using System.Diagnostics;
using System.Text;

namespace ControlCenter.Testing;

/// <summary>
/// The dashboard as a child process on a free port (Development environment, so static web
/// assets resolve from the repository), with its embedded broker on a free port and a
/// temporary data dir. Reads the address from "Now listening on:".
/// </summary>
public sealed partial class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private AppProcess(Process process, string dataDir)
    {
        _process = process;
        DataDir = dataDir;
    }

    public string BaseUrl { get; private set; } = "";
    public int Pid => _process.Id;
    public string DataDir { get; }
    public string Log { get { lock (_log) return _log.ToString(); } }

    public static async Task<AppProcess> StartAsync(params (string Key, string Value)[] environment)
    {
        string dataDir = TempDir.Create("e2e");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.Combine(RepoPaths.Root, "src", "ControlCenter.Web"),
        };
        info.ArgumentList.Add(RepoPaths.BuildOutput("src/ControlCenter.Web", "ControlCenter.Web.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add("http://127.0.0.1:0");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["EmbeddedBroker__Port"] = "0";
        info.Environment["EmbeddedBroker__DataDir"] = dataDir;
        info.Environment["Audit__Directory"] = dataDir + "-audit";
        info.Environment["Alerts__Directory"] = dataDir + "-alerts";
        info.Environment["EmbeddedBroker__Nodes"] = "1"; // the shipped default is a cluster of three; tests that want one say so
        info.Environment["Monitor__IntervalMs"] = "500";
        // Times in the kept log line up with a failing test's steps.
        info.Environment["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ";
        info.Environment["Demo__Enabled"] = "false";
        info.Environment["RestProxy__Url"] = "http://127.0.0.1:0";
        info.Environment["SchemaRegistry__Url"] = "http://127.0.0.1:0";
        foreach (var (key, value) in environment) info.Environment[key] = value;

        var app = new AppProcess(Process.Start(info)!, dataDir);
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        app._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { listening.TrySetException(new InvalidOperationException("App exited:\n" + app.Log)); return; }
            lock (app._log) app._log.AppendLine(e.Data);
            int at = e.Data.IndexOf("Now listening on: ", StringComparison.Ordinal);
            if (at >= 0) listening.TrySetResult(e.Data[(at + "Now listening on: ".Length)..].Trim());
        };
        app._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (app._log) app._log.AppendLine(e.Data); };
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        try { app.BaseUrl = await listening.Task.WaitAsync(TimeSpan.FromSeconds(90)); }
        catch
        {
            await app.DisposeAsync(); // never leave a half-started app behind
            throw;
        }
        return app;
    }

    /// <summary>The embedded broker's address, from the app's health endpoint.</summary>
    public async Task<string> BootstrapServersAsync()
    {
        using var http = new HttpClient();
        string? bootstrap = null;
        await Wait.UntilAsync(async () =>
        {
            using var json = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(BaseUrl + "/healthz"));
            var cluster = json.RootElement.GetProperty("cluster");
            if (cluster.GetProperty("reachable").GetBoolean()) bootstrap = cluster.GetProperty("bootstrapServers").GetString();
            return bootstrap is not null;
        }, "the embedded cluster to be reachable");
        return bootstrap!;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        KeepLog();
        TempDir.Delete(DataDir);
        TempDir.Delete(DataDir + "-audit");
        TempDir.Delete(DataDir + "-alerts");
    }

    /// <summary>An error line of the app's console log, after its time stamp.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^(\S+ )?(fail|crit): ")]
    private static partial System.Text.RegularExpressions.Regex ErrorLine();

    /// <summary>
    /// A page that stopped updating in a browser test is often a circuit that died on the server:
    /// the app's log is kept in a file (named on stderr when it holds errors) so a failure can be explained.
    /// </summary>
    private void KeepLog()
    {
        var errors = Log.Split('\n').Where(l => ErrorLine().IsMatch(l)).ToList();
        string dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "controlcenter-app-logs")).FullName;
        string file = Path.Combine(dir, $"app-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log");
        File.WriteAllText(file, Log);
        if (errors.Count > 0) Console.Error.WriteLine($"The app logged {errors.Count} error(s); its whole log is in {file}. First: {string.Join(" | ", errors.Take(3))}");
    }
}
