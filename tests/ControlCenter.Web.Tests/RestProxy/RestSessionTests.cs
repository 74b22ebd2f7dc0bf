using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using ControlCenter.RestProxy;
using ControlCenter.RestProxy.Consumers;
using ControlCenter.Web.Tests.Infrastructure;

namespace ControlCenter.Web.Tests.RestProxy;

/// <summary>The seed's curl session against the proxy, and instances that expire when left idle.</summary>
public class RestSessionTests : RestProxyTestBase
{
    protected override Dictionary<string, string?>? Settings => new() { ["RestProxy:ConsumerInstanceTimeoutMs"] = "2000" };

    private string Proxy => App.Get<RestProxyServer>().BaseUrl!;

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
        Assert.Empty(App.Get<ConsumerInstances>().All);
    }

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
        await WaitForAsync(() => admin.DescribeConsumerGroupsAsync(["idle-group"]).Result.ConsumerGroupDescriptions[0].Members.Count == 1, "the member to join");

        // Used within the timeout, it stays; left alone past it, it is closed.
        for (int i = 0; i < 3; i++)
        {
            await Task.Delay(1000);
            Assert.Equal(200, (await Rest.GetAsync(instance + "/subscription")).Status);
        }
        await WaitForAsync(() => App.Get<ConsumerInstances>().All.Count == 0, "the idle instance to expire", 15);
        RestProxyClient.AssertError(await Rest.GetAsync(instance + "/subscription"), 404, 40403);
        var group = (await admin.DescribeConsumerGroupsAsync(["idle-group"])).ConsumerGroupDescriptions[0];
        Assert.Empty(group.Members);
        Assert.Equal(ConsumerGroupState.Empty, group.State);
    }
}
