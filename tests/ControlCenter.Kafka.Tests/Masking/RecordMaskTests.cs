using System.Text;
using ControlCenter.Kafka.Masking;
using ControlCenter.Kafka.Messages;
using Microsoft.Extensions.Options;

namespace ControlCenter.Kafka.Tests.Masking;

public sealed class RecordMaskTests
{
    private static MaskingPolicy Policy(params MaskingRuleOptions[] rules) => new(Options.Create(new MaskingOptions { Rules = [.. rules] }));

    private static string Masked(RecordMask mask, string text) => Encoding.UTF8.GetString(mask.Mask(Encoding.UTF8.GetBytes(text)));

    private static KafkaMessage Message(string value, params (string Key, string Value)[] headers) =>
        new("payments", 0, 7, DateTimeOffset.UnixEpoch, "CreateTime", null, 0, Encoding.UTF8.GetBytes(value), value.Length,
            headers.Select(h => new MessageHeader(h.Key, Encoding.UTF8.GetBytes(h.Value))).ToList());

    [Fact]
    public void JsonPathsAreMaskedRemovedOrHashed()
    {
        var policy = Policy(
            new MaskingRuleOptions { Topics = "pay*", JsonPaths = ["$.card.number", "items[*].iban"] },
            new MaskingRuleOptions { Topics = "payments", JsonPaths = ["customer.email"], Action = MaskAction.Remove },
            new MaskingRuleOptions { Topics = "*", JsonPaths = ["$..ssn"], Action = MaskAction.Hash });
        var mask = policy.For("payments")!;
        string result = Masked(mask, """{"card":{"number":"4111 1111 1111 1111","exp":"12/29"},"customer":{"email":"a@b.c","name":"Ann"},"items":[{"iban":"DE1"},{"iban":"DE2"}],"deep":{"x":[{"ssn":"123-45-6789"}]}}""");
        Assert.Contains("\"number\":\"****\"", result);
        Assert.Contains("\"exp\":\"12/29\"", result);
        Assert.DoesNotContain("email", result);
        Assert.Contains("\"name\":\"Ann\"", result);
        Assert.Equal(2, result.Split("\"iban\":\"****\"").Length - 1);
        Assert.DoesNotContain("123-45-6789", result);
        Assert.Matches("\"ssn\":\"sha256:[0-9a-f]{16}\"", result);
        // Equal values hash alike, so they can still be counted and joined.
        Assert.Equal(result, Masked(mask, """{"card":{"number":"4111 1111 1111 1111","exp":"12/29"},"customer":{"email":"a@b.c","name":"Ann"},"items":[{"iban":"DE1"},{"iban":"DE2"}],"deep":{"x":[{"ssn":"123-45-6789"}]}}"""));
        Assert.Equal("""{"card":{"number":"4111"}}""", Masked(policy.For("orders")!, """{"card":{"number":"4111"}}""")); // only the * rule names orders
        Assert.Null(Policy(new MaskingRuleOptions { Topics = "pay*", JsonPaths = ["a"] }).For("orders"));
    }

    [Fact]
    public void WhatIsNotMaskedKeepsItsCharacters()
    {
        var mask = Policy(new MaskingRuleOptions { Topics = "payments", JsonPaths = ["card"] }).For("payments")!;
        Assert.Equal("""{"card":"****","note":"café <b>&</b>"}""", Masked(mask, """{"card":"1","note":"café <b>&</b>"}"""));
    }

    [Fact]
    public void RegexesMaskTextAndHeadersAreMaskedByName()
    {
        var mask = Policy(
            new MaskingRuleOptions { Topics = "payments", Regexes = [@"\b\d{4}-\d{4}-\d{4}-\d{4}\b"] },
            new MaskingRuleOptions { Topics = "payments", Headers = ["Authorization"], Action = MaskAction.Remove },
            new MaskingRuleOptions { Topics = "payments", Headers = ["x-user"], Action = MaskAction.Hash }).For("payments")!;
        var shown = mask.Apply(Message("paid with 4111-1111-1111-1111 today", ("authorization", "Bearer secret"), ("x-user", "ann"), ("trace", "card 4111-1111-1111-1111")));
        Assert.Equal("paid with **** today", Encoding.UTF8.GetString(shown.Value!));
        Assert.Equal(["x-user", "trace"], shown.Headers!.Select(h => h.Key));
        Assert.StartsWith("sha256:", Encoding.UTF8.GetString(shown.Headers![0].Value!));
        Assert.Equal("card ****", Encoding.UTF8.GetString(shown.Headers[1].Value!));
    }

    [Fact]
    public void JsonThatCannotBeReadIsWithheldAndBinaryIsLeftAlone()
    {
        var mask = Policy(new MaskingRuleOptions { Topics = "payments", JsonPaths = ["card.number"] }).For("payments")!;
        Assert.Equal(RecordMask.Withheld, Masked(mask, """{"card":{"number":"4111 1111 11""")); // a cut-off preview
        byte[] binary = [0xff, 0x00, 0xfe, 0x41];
        Assert.Equal(binary, mask.Mask(binary));
    }

    [Fact]
    public void ASchemaRecordIsMaskedOnItsDecodedJsonAndItsBinaryFormIsNotShown()
    {
        var mask = Policy(new MaskingRuleOptions { Topics = "payments", JsonPaths = ["card.number"] }).For("payments")!;
        var avro = Message("\0\0\0\0\u00014111") with { ValueDecoded = new SchemaDecoding(1, "AVRO", """{"card":{"number":"4111"}}""") };
        var shown = mask.Apply(avro);
        Assert.Equal("""{"card":{"number":"****"}}""", shown.ValueDecoded!.Json);
        Assert.Equal("""{"card":{"number":"****"}}""", Encoding.UTF8.GetString(shown.Value!));
        var unknown = mask.Apply(Message("\0\0\0\0\u00094111") with { ValueDecoded = new SchemaDecoding(9, "AVRO", null, Error: "unknown id") });
        Assert.Equal(RecordMask.Withheld, Encoding.UTF8.GetString(unknown.Value!));
    }

    [Fact]
    public void MistakesAreListedBySetting()
    {
        var policy = Policy(
            new MaskingRuleOptions { Topics = "", JsonPaths = ["a"] },
            new MaskingRuleOptions { Topics = "t", JsonPaths = ["a[x]"], Regexes = ["(unclosed"] },
            new MaskingRuleOptions { Topics = "t" });
        Assert.Contains(policy.Problems, p => p.StartsWith("Masking:Rules:0:Topics is empty"));
        Assert.Contains(policy.Problems, p => p.StartsWith("Masking:Rules:1:JsonPaths 'a[x]'"));
        Assert.Contains(policy.Problems, p => p.StartsWith("Masking:Rules:1:Regexes '(unclosed'"));
        Assert.Contains(policy.Problems, p => p.StartsWith("Masking:Rules:2 names no JSON path"));
    }
}
