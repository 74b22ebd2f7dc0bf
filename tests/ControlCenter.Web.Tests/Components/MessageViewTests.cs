using System.Text;
using Bunit;
using ControlCenter.Kafka.Messages;
using ControlCenter.Web.Components.Messages;
using ControlCenter.Web.Tests.Infrastructure;
using MudBlazor;

namespace ControlCenter.Web.Tests.Components;

/// <summary>Record contents render as text in every view, and the views format bytes as asked.</summary>
public class MessageViewTests : ComponentTest
{
    private const string Script = "<script>alert(1)</script>";
    private const string Img = "<img src=x onerror=\"window.__xss=1\">";

    private static KafkaMessage Record(string? key, string? value, params (string, string)[] headers) => new(
        "t", 0, 42, DateTimeOffset.UtcNow.AddMinutes(-3), "CreateTime",
        key is null ? null : Encoding.UTF8.GetBytes(key), key?.Length ?? 0,
        value is null ? null : Encoding.UTF8.GetBytes(value), value is null ? 0 : Encoding.UTF8.GetByteCount(value),
        headers.Select(h => new MessageHeader(h.Item1, Encoding.UTF8.GetBytes(h.Item2))).ToList());

    [Fact]
    public void TableShowsMarkupInRecordsAsCharacters()
    {
        var table = Render<MessageTable>(p => p.Add(t => t.Messages, [Record(Img, Script, ("h", Script))]));
        Assert.Empty(table.FindAll("tbody script"));
        Assert.Empty(table.FindAll("tbody img"));
        Assert.Equal(Script, table.Find("[data-testid=message-value]").TextContent);
        Assert.Equal(Img, table.Find("[data-testid=message-key]").TextContent);
        Assert.Contains("&lt;script&gt;", table.Find("[data-testid=message-value]").InnerHtml);
    }

    [Fact]
    public void InspectorShowsKeyValueAndHeadersAsText()
    {
        var provider = Render<MudDialogProvider>();
        var json = $$"""{"html":"{{Script.Replace("\"", "\\\"")}}","n":[1,2]}""";
        var table = Render<MessageTable>(p => p.Add(t => t.Messages, [Record(Img, json, ("trace", Img))]));
        table.Find("tbody tr").Click();
        provider.WaitForAssertion(() => provider.Find("[data-testid=inspect-value-text]"));

        Assert.Empty(provider.FindAll(".mud-dialog script"));
        Assert.Empty(provider.FindAll(".mud-dialog img"));
        var value = provider.Find("[data-testid=inspect-value-text]");
        Assert.Equal("Json", value.GetAttribute("data-shown")); // auto picked pretty JSON
        Assert.Contains($"\"html\": \"{Script}\"", value.TextContent);
        Assert.Equal(Img, provider.Find("[data-testid=inspect-key-text]").TextContent);
        var header = provider.Find("[data-testid=inspect-headers] tbody tr");
        Assert.Equal(["trace", Img], header.QuerySelectorAll("td").Select(td => td.TextContent));
    }

    [Theory]
    [InlineData("Text", "{\"a\":1}")]
    [InlineData("Hex", "00000000  7b 22 61 22 3a 31 7d")]
    [InlineData("Base64", "eyJhIjoxfQ==")]
    [InlineData("Json", "{\n  \"a\": 1\n}")]
    public void FormatsSwitchOnRequest(string format, string expectedStart)
    {
        var view = Render<ValueView>(p => p.Add(v => v.Data, Encoding.UTF8.GetBytes("{\"a\":1}")).Add(v => v.FullSize, 7).Add(v => v.TestId, "v"));
        Assert.Equal("Json", view.Find("[data-testid=v-text]").GetAttribute("data-shown"));
        view.FindAll("[data-testid=v-format] .mud-toggle-item").Single(b => b.TextContent.Trim() == format).Click();
        Assert.StartsWith(expectedStart, view.Find("[data-testid=v-text]").TextContent);
        Assert.Equal(format, view.Find("[data-testid=v-text]").GetAttribute("data-shown"));
    }

    [Fact]
    public void AutoFallsBackToHexForBinaryAndOffersTheFullDownloadWhenTruncated()
    {
        var view = Render<ValueView>(p => p
            .Add(v => v.Data, [0x00, 0xff, 0x10, 0x41])
            .Add(v => v.FullSize, 10 * 1024 * 1024)
            .Add(v => v.DownloadUrl, "api/topics/t/records/0/1/value")
            .Add(v => v.TestId, "v"));
        Assert.Equal("Hex", view.Find("[data-testid=v-text]").GetAttribute("data-shown"));
        Assert.StartsWith("00000000  00 ff 10 41", view.Find("[data-testid=v-text]").TextContent);
        Assert.Contains("of 10 MiB", view.Find("[data-testid=v-truncated]").TextContent);
        Assert.Equal("api/topics/t/records/0/1/value", view.Find("[data-testid=v-download]").GetAttribute("href"));
    }
}
