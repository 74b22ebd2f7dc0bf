using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ControlCenter.Web.Hosting;
using Microsoft.Extensions.Configuration;

namespace ControlCenter.Web.Tests.Hosting;

/// <summary>Bad configuration gives one clear start-up message, never a stack trace.</summary>
public class StartupTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Theory]
    [InlineData("broker:notaport", "is not host:port")]
    [InlineData("broker:70000", "outside 1-65535")]
    [InlineData("a:9092,,b:9092", "empty entry")]
    [InlineData("has space:9092", "is not host:port")]
    public void MalformedBootstrapListsAreRefused(string bootstrap, string expected)
    {
        var problems = StartupChecks.Run(Config(("Kafka:BootstrapServers", bootstrap)));
        Assert.Contains(problems, p => p.Contains(expected));
    }

    [Theory]
    [InlineData("localhost:9092")]
    [InlineData("kafka-1:9092, kafka-2:9092")]
    [InlineData("SASL_SSL://broker.example.com:9096")]
    [InlineData("[::1]:9092")]
    public void WellFormedBootstrapListsAreAccepted(string bootstrap) =>
        Assert.Empty(StartupChecks.Run(Config(("Kafka:BootstrapServers", bootstrap))));

    [Fact]
    public void LibrdkafkaRejectsUnknownClientProperties()
    {
        var problems = StartupChecks.Run(Config(("Kafka:BootstrapServers", "localhost:9092"), ("Kafka:Client:no.such.property", "1")));
        Assert.Contains(problems, p => p.Contains("rejected by librdkafka") && p.Contains("no.such.property"));
    }

    [Fact]
    public void KnownClientPropertiesAreAccepted() =>
        Assert.Empty(StartupChecks.Run(Config(("Kafka:BootstrapServers", "localhost:9092"),
            ("Kafka:Client:security.protocol", "SASL_PLAINTEXT"), ("Kafka:Client:sasl.mechanism", "PLAIN"),
            ("Kafka:Client:sasl.username", "u"), ("Kafka:Client:sasl.password", "p"))));

    [Fact]
    public void TheShippedConfigurationRunsAClusterOfThree()
    {
        var shipped = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepoPaths.Root, "src", "ControlCenter.Web", "appsettings.json")).Build();
        var broker = new ControlCenter.Broker.BrokerOptions();
        shipped.GetSection(ControlCenter.Broker.BrokerOptions.SectionName).Bind(broker);
        Assert.Equal(3, broker.Nodes);
        Assert.Empty(StartupChecks.Run(shipped));
    }

    [Fact]
    public void ADataDirOfTheOtherLayoutIsRefusedBeforeAnythingIsWritten()
    {
        string single = TempDir.Create("layout-single");
        File.WriteAllText(Path.Combine(single, "meta.properties"), "version=1\nnode.id=1\n");
        var problems = StartupChecks.Run(Config(("EmbeddedBroker:DataDir", single), ("EmbeddedBroker:Nodes", "3")));
        Assert.Contains(problems, p => p.Contains("holds a single broker's data") && p.Contains("--EmbeddedBroker:Nodes=1"));
        Assert.Empty(StartupChecks.Run(Config(("EmbeddedBroker:DataDir", single), ("EmbeddedBroker:Nodes", "1"))));

        string cluster = TempDir.Create("layout-cluster");
        foreach (var sub in new[] { "controller", "broker-1", "broker-2", "broker-3" }) Directory.CreateDirectory(Path.Combine(cluster, sub));
        Assert.Contains(StartupChecks.Run(Config(("EmbeddedBroker:DataDir", cluster), ("EmbeddedBroker:Nodes", "1"))),
            p => p.Contains("an embedded cluster of 3 nodes") && p.Contains("--EmbeddedBroker:Nodes=3"));
        Assert.Contains(StartupChecks.Run(Config(("EmbeddedBroker:DataDir", cluster), ("EmbeddedBroker:Nodes", "2"))),
            p => p.Contains("replicas on nodes 3-3 would never come back"));
        Assert.Empty(StartupChecks.Run(Config(("EmbeddedBroker:DataDir", cluster), ("EmbeddedBroker:Nodes", "3"))));
        Assert.Empty(StartupChecks.Run(Config(("EmbeddedBroker:DataDir", cluster), ("EmbeddedBroker:Nodes", "5")))); // growing is fine
        Assert.True(File.Exists(Path.Combine(single, "meta.properties"))); // nothing was touched
    }

    [Fact]
    public void DisabledEmbeddedBrokerWithoutBootstrapIsRefused()
    {
        var problems = StartupChecks.Run(Config(("EmbeddedBroker:Enabled", "false")));
        Assert.Contains(problems, p => p.Contains("there is no cluster to manage"));
    }

    [Fact]
    public void UnknownBrokerPropertiesAreRefused()
    {
        var problems = StartupChecks.Run(Config(("EmbeddedBroker:Config:log.retention.fortnights", "2")));
        Assert.Contains(problems, p => p.Contains("Unknown broker config 'log.retention.fortnights'"));
    }

    [Theory]
    [InlineData("localhost:8082")]
    [InlineData("ftp://localhost:8082")]
    [InlineData("http://localhost:8082/proxy")]
    public void RestProxyUrlsThatCannotBeListenedOnAreRefused(string url)
    {
        var problems = StartupChecks.Run(Config(("RestProxy:Url", url)));
        Assert.Contains(problems, p => p.Contains($"RestProxy:Url '{url}'"));
        Assert.Empty(StartupChecks.Run(Config(("RestProxy:Url", url), ("RestProxy:Enabled", "false"))));
    }

    /// <param name="viaDotnetRun">Start it the README's way (dotnet run, which applies launchSettings.json) rather than from the built dll.</param>
    private static async Task<(int ExitCode, string Output)> RunAppAsync((string Key, string Value)[] environment, bool viaDotnetRun = false)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.Combine(RepoPaths.Root, "src", "ControlCenter.Web"),
        };
        if (viaDotnetRun)
            foreach (var arg in new[] { "run", "--project", Path.Combine(RepoPaths.Root, "src", "ControlCenter.Web"), "-c", RepoPaths.Configuration, "--no-build" })
                info.ArgumentList.Add(arg);
        else info.ArgumentList.Add(RepoPaths.BuildOutput("src/ControlCenter.Web", "ControlCenter.Web.dll"));
        if (!environment.Any(e => e.Key == "ASPNETCORE_URLS"))
        {
            info.ArgumentList.Add("--urls");
            info.ArgumentList.Add("http://127.0.0.1:0");
        }
        info.Environment["EmbeddedBroker__DataDir"] = TempDir.Create("startup");
        info.Environment["RestProxy__Url"] = "http://127.0.0.1:0";
        info.Environment["SchemaRegistry__Url"] = "http://127.0.0.1:0";
        foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // These runs must end on their own (they refuse to start); one that serves instead is a failure, not a leftover.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException("The app kept running instead of refusing to start:\n" + await output + await error);
        }
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task AppRefusesToStartWithOneClearMessage()
    {
        var (exit, output) = await RunAppAsync([("Kafka__BootstrapServers", "broker:notaport"), ("Kafka__Client__sasl.password", "hunter2-secret")]);
        Assert.Equal(2, exit);
        Assert.Contains("Kafka Control Center cannot start", output);
        Assert.Contains("'broker:notaport' is not host:port", output);
        Assert.DoesNotContain("   at ", output);           // no stack trace
        Assert.DoesNotContain("hunter2-secret", output);    // and no secrets
    }

    /// <summary>Starts the app with a port that another socket holds; the app must exit 2 with the given words and no stack trace.</summary>
    private static async Task AssertPortInUseExplainedAsync(Func<int, (string Key, string Value)[]> environment, Func<int, string[]> expected, bool viaDotnetRun = false)
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        int port = ((IPEndPoint)blocker.LocalEndpoint).Port;
        var (exit, output) = await RunAppAsync(environment(port), viaDotnetRun);
        Assert.Equal(2, exit);
        Assert.All(expected(port), words => Assert.Contains(words, output));
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public Task EmbeddedBrokerPortInUseIsExplained() => AssertPortInUseExplainedAsync(
        port => [("EmbeddedBroker__Port", port.ToString())],
        port => [$"cannot listen on 127.0.0.1:{port}: the port is in use"]);

    [Fact]
    public Task DashboardPortInUseIsExplained() => AssertPortInUseExplainedAsync(
        port => [("ASPNETCORE_URLS", $"http://127.0.0.1:{port}"), ("EmbeddedBroker__Port", "0")],
        port => [$"127.0.0.1:{port}", "--urls"]);

    /// <summary>
    /// The README's ASPNETCORE_URLS works with the README's own command: under dotnet run,
    /// launchSettings.json must not put its own URL first. A held port proves which URL was used.
    /// </summary>
    [Fact]
    public Task DotnetRunListensWhereAspNetCoreUrlsSays() => AssertPortInUseExplainedAsync(
        port => [("ASPNETCORE_URLS", $"http://127.0.0.1:{port}"), ("EmbeddedBroker__Port", "0")],
        port => [$"127.0.0.1:{port}", "--urls"], viaDotnetRun: true);

    [Fact]
    public Task RestProxyPortInUseIsExplained() => AssertPortInUseExplainedAsync(
        port => [("RestProxy__Url", $"http://127.0.0.1:{port}"), ("EmbeddedBroker__Port", "0")],
        port => [$"The REST proxy cannot listen on http://127.0.0.1:{port}: the port is in use"]);

    [Fact]
    public Task SchemaRegistryPortInUseIsExplained() => AssertPortInUseExplainedAsync(
        port => [("SchemaRegistry__Url", $"http://127.0.0.1:{port}"), ("EmbeddedBroker__Port", "0")],
        port => [$"The schema registry cannot listen on http://127.0.0.1:{port}: the port is in use", "SchemaRegistry:External=true"]);

    [Fact]
    public async Task AnAnonymousDashboardOnAnAddressOtherMachinesReachRefusesToStart()
    {
        var (exit, output) = await RunAppAsync([("ASPNETCORE_URLS", "http://0.0.0.0:0"), ("EmbeddedBroker__Port", "0")]);
        Assert.Equal(2, exit);
        Assert.Contains("Auth:Mode is None (no sign-in), but the app listens on http://0.0.0.0:0", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public void HashPasswordMakesAHashThatVerifiesAndNothingForAnEmptyPassword()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, ControlCenter.Web.Security.HashPasswordCommand.Run(new StringReader("s3cret pass\n"), output, error, interactive: false));
        string hash = output.ToString().Trim();
        Assert.True(ControlCenter.Access.Users.PasswordHashing.Verify(hash, "s3cret pass"));
        Assert.DoesNotContain("s3cret", output.ToString() + error);

        output = new StringWriter();
        Assert.Equal(1, ControlCenter.Web.Security.HashPasswordCommand.Run(new StringReader(""), output, error, interactive: false));
        Assert.Equal("", output.ToString());
        Assert.Contains("No password given", error.ToString());
    }
}
