using System.Net;
using System.Net.Http.Json;
using ControlCenter.Access.Users;
using Confluent.Kafka;

namespace ControlCenter.Web.Tests.Security;

/// <summary>Auth:ReadOnly=true: even an admin changes nothing, and still reads.</summary>
public sealed class ReadOnlyModeTests : IAsyncLifetime
{
    private readonly AppFactory _app = new(new()
    {
        ["Auth:Mode"] = "Local",
        ["Auth:ReadOnly"] = "true",
        ["Auth:Users:ada:PasswordHash"] = PasswordHashing.Hash("pw"), ["Auth:Users:ada:Roles:0"] = "admin",
    });
    private Uri _base = null!;

    public async ValueTask InitializeAsync()
    {
        _base = _app.Start();
        await _app.WaitReachableAsync();
        await _app.CreateTopicAsync("ledger");
        using var producer = Clients.Producer(_app.Bootstrap);
        await producer.ProduceAsync("ledger", new Message<byte[]?, byte[]?> { Value = "entry"u8.ToArray() }, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task AnAdminReadsButEveryMutationIsRefusedWithTheSetting()
    {
        var c = TestContext.Current.CancellationToken;
        using var http = await SignInClient.SignedInAsync(_base, "ada", "pw", new CookieContainer());
        Assert.Contains("entry", await http.GetStringAsync("/api/topics/ledger/export?format=jsonl", c));
        Assert.Contains("read-only-chip", await http.GetStringAsync("/topics", c));

        var produce = await http.PostAsJsonAsync("/api/topics/ledger/produce", new { value = "more", valueIsJson = false, acks = "all" }, c);
        Assert.Equal(HttpStatusCode.Forbidden, produce.StatusCode);
        Assert.Contains("Auth:ReadOnly=true", await produce.Content.ReadAsStringAsync(c));
        var register = await http.PostAsJsonAsync("/api/schemas/ledger-value/register", new { schema = "\"string\"", schemaType = "AVRO" }, c);
        Assert.Equal(HttpStatusCode.Forbidden, register.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsync("/api/embedded/brokers/1/stop", null, c)).StatusCode);

        using var consumer = Clients.Consumer(_app.Bootstrap);
        Assert.Equal(1, consumer.QueryWatermarkOffsets(new TopicPartition("ledger", 0), TimeSpan.FromSeconds(10)).High.Value);
    }
}
