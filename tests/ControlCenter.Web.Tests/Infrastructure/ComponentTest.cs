using Bunit;
using ControlCenter.Kafka.Cluster;
using ControlCenter.Kafka.Metrics;
using ControlCenter.Kafka.Topics;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ControlCenter.Web.Tests.Infrastructure;

/// <summary>bUnit with MudBlazor in interactive-server mode and a fake cluster.</summary>
public abstract class ComponentTest : BunitContext
{
    protected FakeClusterState Cluster { get; } = new();
    protected FakeTopicAdmin TopicAdmin { get; } = new();

    protected ComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IClusterState>(Cluster);
        Services.AddSingleton<ITopicAdmin>(TopicAdmin);
        Services.AddSingleton<IPartitionProbe>(new FakeProbe());
        Services.AddSingleton<ITopicRates>(new RateTracker());
        SetRendererInfo(new RendererInfo("Server", true));
    }
}
