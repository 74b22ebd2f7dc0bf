using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using ControlCenter.Kafka.Topics;
using ControlCenter.Web.Components.Topics;
using ControlCenter.Web.Tests.Infrastructure;

namespace ControlCenter.Web.Tests.Components;

/// <summary>The create form refuses every invalid input before anything is sent, and sends exactly the configs Kafka expects.</summary>
public class CreateTopicFormTests : ComponentTest
{
    public CreateTopicFormTests() => Cluster.Connect(); // 2 brokers; topics orders, payments, __consumer_offsets

    private IRenderedComponent<CreateTopicForm> RenderForm(TopicForm form) =>
        Render<CreateTopicForm>(p => p.Add(f => f.Form, form));

    private void Submit(IRenderedComponent<CreateTopicForm> form) => form.Find("[data-testid=submit-topic]").Click();

    /// <summary>The text the user sees (markup would have quotes encoded).</summary>
    private static string Text(IRenderedComponent<CreateTopicForm> form) => string.Concat(form.Nodes.Select(n => n.TextContent));

    private static TopicForm Valid(Action<TopicForm>? change = null)
    {
        var form = new TopicForm { Name = "shipments", Partitions = 6, ReplicationFactor = 2 };
        change?.Invoke(form);
        return form;
    }

    [Theory]
    [InlineData("", "can't be empty")]
    [InlineData(".", "cannot be \".\" or \"..\"")]
    [InlineData("..", "cannot be \".\" or \"..\"")]
    [InlineData("has space", "illegal")]
    [InlineData("slash/topic", "illegal")]
    [InlineData("café", "illegal")]
    [InlineData("orders", "already exists")]
    [InlineData(" shipments", "leading or trailing spaces")]
    public void InvalidNamesAreRefused(string name, string message)
    {
        var form = RenderForm(Valid(f => f.Name = name));
        Submit(form);
        Assert.Contains(message, Text(form));
        Assert.NotEmpty(form.FindAll(".mud-input-error"));
        Assert.NotNull(form.Find("[data-testid=form-errors]"));
        Assert.Empty(TopicAdmin.Creates);
    }

    [Fact]
    public void NamesLongerThan249CharactersAreRefused()
    {
        var form = RenderForm(Valid(f => f.Name = new string('x', 250)));
        Submit(form);
        Assert.Contains("longer than 249", Text(form));
        Assert.Empty(TopicAdmin.Creates);
    }

    [Fact]
    public void DotUnderscoreCollisionIsAnErrorAndMixingThemAWarning()
    {
        Cluster.Connect(FakeClusterState.SampleSnapshot() with
        {
            Topics = new Dictionary<string, ControlCenter.Kafka.Cluster.TopicSnapshot>(FakeClusterState.SampleSnapshot().Topics)
            {
                ["audit_log"] = new("audit_log", false, []),
            },
        });
        var collision = RenderForm(Valid(f => f.Name = "audit.log"));
        Submit(collision);
        Assert.Contains("collides with existing topic 'audit_log'", string.Concat(collision.Nodes.Select(n => n.TextContent)));
        Assert.Empty(TopicAdmin.Creates);

        var warned = RenderForm(Valid(f => f.Name = "new.events"));
        Assert.Contains("could collide in metric names", warned.Find("[data-testid=name-warning]").TextContent);
        Submit(warned);
        Assert.Single(TopicAdmin.Creates); // a warning does not block
    }

    [Theory]
    [InlineData(0, "at least 1 partition")]
    [InlineData(-3, "at least 1 partition")]
    [InlineData(200_000, "At most 100,000")]
    public void InvalidPartitionCountsAreRefused(int partitions, string message)
    {
        var form = RenderForm(Valid(f => f.Partitions = partitions));
        Submit(form);
        Assert.Contains(message, Text(form));
        Assert.Empty(TopicAdmin.Creates);
    }

    [Theory]
    [InlineData(0, "at least 1")]
    [InlineData(3, "more than the 2 broker(s)")]
    public void ReplicationFactorMustFitTheBrokers(short rf, string message)
    {
        var form = RenderForm(Valid(f => f.ReplicationFactor = rf));
        Submit(form);
        Assert.Contains(message, Text(form));
        Assert.Empty(TopicAdmin.Creates);
    }

    [Fact]
    public void BadFriendlyValuesAreRefused()
    {
        var form = RenderForm(Valid(f =>
        {
            f.Retention.Mode = ValueMode.Custom; f.Retention.Amount = 0;
            f.SegmentBytes.Mode = ValueMode.Custom; f.SegmentBytes.Amount = 3; f.SegmentBytes.Unit = "GiB";
        }));
        Submit(form);
        Assert.Contains("Retention must be more than 0", Text(form));
        Assert.Contains("A segment can be at most 2 GiB", Text(form));
        Assert.Empty(TopicAdmin.Creates);
    }

    [Fact]
    public void SegmentBytesBelowKafkasMinimumIsRefused()
    {
        var form = RenderForm(Valid(f => { f.SegmentBytes.Mode = ValueMode.Custom; f.SegmentBytes.Amount = 10; f.SegmentBytes.Unit = "B"; }));
        Submit(form);
        Assert.Contains("from 1 MiB (1048576)", Text(form));
        Assert.Empty(TopicAdmin.Creates);
    }

    [Fact]
    public void ExtraConfigsMustBeNamedUniqueAndValid()
    {
        var form = RenderForm(Valid(f =>
        {
            f.Extra.Add(new ExtraConfig { Key = "", Value = "1" });
            f.Extra.Add(new ExtraConfig { Key = "delete.retention.ms", Value = "5" });
            f.Extra.Add(new ExtraConfig { Key = "delete.retention.ms", Value = "6" });
            f.Extra.Add(new ExtraConfig { Key = "retention.ms", Value = "7" });
            f.Extra.Add(new ExtraConfig { Key = "min.cleanable.dirty.ratio", Value = "2" });
        }));
        Submit(form);
        Assert.Contains("A config needs a name", Text(form));
        Assert.Contains("delete.retention.ms is listed twice", Text(form));
        Assert.Contains("retention.ms has its own field above", Text(form));
        Assert.Contains("between 0 and 1", Text(form));
        Assert.Empty(TopicAdmin.Creates);
    }

    [Fact]
    public void MinInSyncAboveReplicationIsRefusedAsKafkaRefusesIt()
    {
        var form = RenderForm(Valid(f => f.MinInSyncReplicas = 3));
        Submit(form);
        Assert.Contains("every acks=all write would fail", Text(form));
        Assert.Empty(TopicAdmin.Creates);
    }

    [Fact]
    public void FriendlyInputsBecomeKafkasRawConfigs()
    {
        var created = new List<string>();
        var form = Render<CreateTopicForm>(p => p
            .Add(f => f.Form, Valid(f =>
            {
                f.CleanupPolicy = "compact,delete";
                f.Retention.Mode = ValueMode.Custom; f.Retention.Amount = 3; f.Retention.Unit = "days";
                f.RetentionBytes.Mode = ValueMode.Custom; f.RetentionBytes.Amount = 1; f.RetentionBytes.Unit = "GiB";
                f.SegmentBytes.Mode = ValueMode.Custom; f.SegmentBytes.Amount = 64; f.SegmentBytes.Unit = "MiB";
                f.MinInSyncReplicas = 2;
                f.CompressionType = "zstd";
                f.TimestampType = "LogAppendTime";
                f.Extra.Add(new ExtraConfig { Key = "delete.retention.ms", Value = "3600000" });
            }))
            .Add(f => f.Created, name => created.Add(name)));
        Submit(form);
        var (spec, validateOnly) = Assert.Single(TopicAdmin.Creates);
        Assert.False(validateOnly);
        Assert.Equal(("shipments", 6, (short)2), (spec.Name, spec.Partitions, spec.ReplicationFactor));
        Assert.Equal(new Dictionary<string, string>
        {
            ["cleanup.policy"] = "compact,delete",
            ["retention.ms"] = "259200000",
            ["retention.bytes"] = "1073741824",
            ["segment.bytes"] = "67108864",
            ["min.insync.replicas"] = "2",
            ["compression.type"] = "zstd",
            ["message.timestamp.type"] = "LogAppendTime",
            ["delete.retention.ms"] = "3600000",
        }, spec.Configs);
        Assert.Equal(["shipments"], created);
    }

    [Fact]
    public void DefaultsAreNotSent()
    {
        var form = RenderForm(Valid());
        Submit(form);
        Assert.Empty(Assert.Single(TopicAdmin.Creates).Spec.Configs);
    }

    [Fact]
    public void ValidateRunsValidateOnlyAndShowsBrokerErrorsInline()
    {
        var form = RenderForm(Valid());
        form.Find("[data-testid=validate-topic]").Click();
        Assert.True(Assert.Single(TopicAdmin.Creates).ValidateOnly);
        form.WaitForAssertion(() => Assert.NotNull(form.Find("[data-testid=validated]")));

        TopicAdmin.NextResult = AdminResult.Failed("Unknown topic config name: no.such");
        form.Find("[data-testid=submit-topic]").Click();
        form.WaitForAssertion(() => Assert.Contains("Unknown topic config name: no.such", form.Find("[data-testid=broker-error]").TextContent));
    }

    [Fact]
    public void AdvisorComputesMaxOfProduceAndConsumeAndCanMeasure()
    {
        var form = RenderForm(Valid());
        form.Find("[data-testid=advisor-measure]").Click();
        form.WaitForAssertion(() => Assert.Contains("p = 40.0 MB/s, c = 80.0 MB/s", form.Find("[data-testid=advisor-measured]").TextContent));
        // t = 10 MB/s: 10/40 = 0.25 and 10/80 = 0.125 → 1 partition
        Assert.Contains("Recommended: 1 partition", form.Find("[data-testid=advisor-result]").TextContent);
        form.Find("input[data-testid=advisor-target]").Input("200");
        form.WaitForAssertion(() => Assert.Contains("Recommended: 5 partitions", form.Find("[data-testid=advisor-result]").TextContent));
        form.Find("[data-testid=advisor-use]").Click();
        Submit(form);
        Assert.Equal(5, Assert.Single(TopicAdmin.Creates).Spec.Partitions);
    }

    [Fact]
    public void CloneFillsTheFormFromTheTopicsOverriddenConfigs()
    {
        TopicAdmin.Configs =
        [
            new("retention.ms", "172800000", "604800000", "topic", false, false, null),
            new("cleanup.policy", "compact", "delete", "topic", false, false, null),
            new("max.compaction.lag.ms", "600000", null, "topic", false, false, null),
            new("segment.bytes", "1073741824", "1073741824", "default", false, false, null), // not overridden: not copied
        ];
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("clone", "orders"));
        var page = Render<ControlCenter.Web.Components.Pages.CreateTopic>();
        page.WaitForAssertion(() => Assert.Contains("Create topic like orders", page.Markup));
        Assert.Equal("orders-copy", page.Find("input[data-testid=topic-name]").GetAttribute("value"));
        Assert.Equal("6", page.Find("input[data-testid=topic-partitions]").GetAttribute("value"));
        Assert.Equal("2", page.Find("input[data-testid=topic-rf]").GetAttribute("value"));

        page.Find("[data-testid=submit-topic]").Click();
        var sent = Assert.Single(TopicAdmin.Creates).Spec;
        Assert.Equal(new Dictionary<string, string> { ["cleanup.policy"] = "compact", ["retention.ms"] = "172800000", ["max.compaction.lag.ms"] = "600000" },
            sent.Configs.ToDictionary());
    }

    [Fact]
    public void TooManyPartitionsPerBrokerIsAWarningBeforeSending()
    {
        var form = RenderForm(Valid(f => { f.Partitions = 100_000; f.ReplicationFactor = 1; }));
        Submit(form);
        Assert.Contains("partition replicas per broker (2 brokers)", Text(form));
        Assert.Single(TopicAdmin.Creates); // a warning, not a refusal: Kafka itself would take it

        var fine = RenderForm(Valid(f => f.Partitions = 600));
        Assert.DoesNotContain("per broker", Text(fine));
    }

    [Fact]
    public void TheAdvisorSaysWhyItHasNoAdviceAndCountsInTheSingular()
    {
        var advisor = Render<PartitionAdvisorPanel>();
        advisor.Find("input[data-testid=advisor-target]").Input("-5");
        Assert.Contains("must be more than 0 MB/s", advisor.Find("[data-testid=advisor-problem]").TextContent);
        advisor.Find("input[data-testid=advisor-target]").Input("1");
        advisor.Find("input[data-testid=advisor-produce]").Input("10");
        advisor.Find("input[data-testid=advisor-consume]").Input("20");
        Assert.Equal("Use 1 partition", advisor.Find("[data-testid=advisor-use]").TextContent.Trim());
    }
}
