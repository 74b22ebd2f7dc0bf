using ControlCenter.Kafka.Cluster;
using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using ControlCenter.RestProxy;
using ControlCenter.RestProxy.Consumers;
using Microsoft.Extensions.Time.Testing;

namespace ControlCenter.RestProxy.Tests;

/// <summary>The seed's curl session against the proxy.</summary>
public class RestSessionTests : RestProxyTestBase
{
    private string Proxy => Host.Get<RestProxyServer>().BaseUrl!;

    private static async Task<string> CurlAsync(params string[] args)
    {
        var info = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-sS", "--fail-with-body" }.Concat(args)) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"curl {string.Join(' ', args)} → {process.ExitCode}: {output} {error}");
        return output;
    }

    [Fact]
    public async Task AScriptedCurlSessionProducesAndReadsBack()
    {
        await Clients.CreateTopicAsync(Bootstrap, "curl-demo", 1);
        string produced = await CurlAsync("-X", "POST", "-H", "Content-Type: application/vnd.kafka.json.v2+json",
            "--data", """{"records":[{"key":"alice","value":{"greeting":"hello from curl"}}]}""", $"{Proxy}/topics/curl-demo");
        Assert.Equal(0, JsonDocument.Parse(produced).RootElement.GetProperty("offsets")[0].GetProperty("offset").GetInt64());

        string created = await CurlAsync("-X", "POST", "-H", "Content-Type: application/vnd.kafka.v2+json",
            "--data", """{"name":"curl_consumer","format":"json","auto.offset.reset":"earliest"}""", $"{Proxy}/consumers/curl_group");
        string baseUri = JsonDocument.Parse(created).RootElement.GetProperty("base_uri").GetString()!;
        await CurlAsync("-X", "POST", "-H", "Content-Type: application/vnd.kafka.v2+json", "--data", """{"topics":["curl-demo"]}""", baseUri + "/subscription");

        JsonElement records = default;
        for (int attempt = 0; attempt < 10; attempt++)
        {
            records = JsonDocument.Parse(await CurlAsync("-H", "Accept: application/vnd.kafka.json.v2+json", baseUri + "/records")).RootElement;
            if (records.GetArrayLength() > 0) break;
        }
        var record = Assert.Single(records.EnumerateArray());
        Assert.Equal("alice", record.GetProperty("key").GetString());
        Assert.Equal("hello from curl", record.GetProperty("value").GetProperty("greeting").GetString());
        await CurlAsync("-X", "DELETE", baseUri);
        Assert.Empty(Host.Get<ConsumerInstances>().All);
    }
}

/// <summary>Instances left idle past RestProxy:ConsumerInstanceTimeoutMs are closed: time is under test, so the clock is a fake one the test moves.</summary>
public class RestInstanceExpiryTests : RestProxyTestBase
{
    private readonly FakeTimeProvider _clock = new();
    protected override TimeProvider Time => _clock;
    protected override Dictionary<string, string?>? Settings => new() { ["RestProxy:ConsumerInstanceTimeoutMs"] = "2000" };

    [Fact]
    public async Task IdleInstancesExpireAndLeaveTheirGroup()
    {
        await Clients.CreateTopicAsync(Bootstrap, "rest-idle", 1);
        var created = await Rest.PostAsync("/consumers/idle-group", """{"name":"sleepy","format":"binary","auto.offset.reset":"earliest"}""");
        string instance = "/consumers/idle-group/instances/sleepy";
        Assert.Equal(200, created.Status);
        await Rest.PostAsync(instance + "/subscription", """{"topics":["rest-idle"]}""");
        await Rest.GetAsync(instance + "/records", RestProxyClient.Binary); // joins the group
        using var admin = Clients.Admin(Bootstrap);
        await Wait.UntilAsync(async () => (await admin.DescribeConsumerGroupsAsync(["idle-group"]).OffPollThread()).ConsumerGroupDescriptions[0].Members.Count == 1,
            "the member to join", cancellation: Cancellation);
        var instances = Host.Get<ConsumerInstances>();

        // Used within the timeout, it stays: 3 × 1.5 s of idle time, each under the 2 s timeout.
        for (int i = 0; i < 3; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(1500));
            await instances.ExpireAsync(); // what the expiry timer does, run here so the check has certainly happened
            Assert.Equal(200, (await Rest.GetAsync(instance + "/subscription")).Status);
        }
        Assert.Single(instances.All);
        // Left alone past it, the proxy's own timer closes it.
        _clock.Advance(TimeSpan.FromMilliseconds(2001));
        await Wait.UntilAsync(() => instances.All.Count == 0, "the idle instance to expire", cancellation: Cancellation);
        RestProxyClient.AssertError(await Rest.GetAsync(instance + "/subscription"), 404, 40403);
        // Closing sent its LeaveGroup; the coordinator empties the group when it has handled it.
        await Wait.UntilAsync(async () => (await admin.DescribeConsumerGroupsAsync(["idle-group"]).OffPollThread()).ConsumerGroupDescriptions[0] is { Members.Count: 0, State: ConsumerGroupState.Empty },
            "the group to be left", cancellation: Cancellation);
    }
}
