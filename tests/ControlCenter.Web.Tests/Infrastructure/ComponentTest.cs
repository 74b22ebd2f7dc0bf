using Bunit;
using ControlCenter.Kafka.Cluster;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ControlCenter.Web.Tests.Infrastructure;

/// <summary>bUnit with MudBlazor in interactive-server mode and a fake cluster.</summary>
public abstract class ComponentTest : BunitContext
{
    protected FakeClusterState Cluster { get; } = new();

    protected ComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IClusterState>(Cluster);
        SetRendererInfo(new RendererInfo("Server", true));
    }
}
