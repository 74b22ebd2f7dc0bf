using Bunit;
using ControlCenter.Kafka.Groups;
using ControlCenter.Web.Components.Groups;
using ControlCenter.Web.Tests.Infrastructure;

namespace ControlCenter.Web.Tests.Components;

/// <summary>Members of a consumer-protocol group show current and target assignment; a classic group's table keeps its one column.</summary>
public class GroupMembersTabTests : ComponentTest
{
    private static GroupSnapshot Group(string type, params GroupMemberInfo[] members) =>
        new("g", "Stable", type, "consumer", "uniform", false, members, new Dictionary<(string, int), long>(), DateTimeOffset.UnixEpoch);

    [Fact]
    public void AReconcilingMemberShowsWhatItHasAndWhatItIsGetting()
    {
        var tab = Render<GroupMembersTab>(p => p.Add(t => t.Group, Group("consumer",
            new GroupMemberInfo("a", null, "client-a", "/10.0.0.1", [("orders", 0), ("orders", 1), ("orders", 2)], [("orders", 0), ("orders", 1)]),
            new GroupMemberInfo("b", null, "client-b", "/10.0.0.2", [], [("orders", 2)]))));

        Assert.NotNull(tab.Find("[data-testid=consumer-protocol-explanation]"));
        var rows = tab.FindAll("[data-testid=members-table] tbody tr");
        Assert.Equal("orders[0-2]", rows[0].QuerySelector("[data-testid=member-assignment]")!.TextContent.Trim());
        Assert.Equal("orders[0-1]", rows[0].QuerySelector("[data-testid=member-target]")!.TextContent.Trim());
        Assert.Equal(2, tab.FindAll("[data-testid=reconciling-member]").Count);
        Assert.Contains("2 member(s) still reconciling", tab.Find("[data-testid=reconciling-count]").TextContent);
        // B has nothing yet but something is coming: it is not an idle standby.
        Assert.Empty(tab.FindAll("[data-testid=idle-member]"));
        Assert.Equal("orders[2]", rows[1].QuerySelector("[data-testid=member-target]")!.TextContent.Trim());
    }

    [Fact]
    public void AClassicGroupHasNoTargetColumn()
    {
        var tab = Render<GroupMembersTab>(p => p.Add(t => t.Group, Group("classic",
            new GroupMemberInfo("a", null, "client-a", "/10.0.0.1", [("orders", 0)]),
            new GroupMemberInfo("b", null, "client-b", "/10.0.0.2", []))));
        Assert.Empty(tab.FindAll("[data-testid=member-target]"));
        Assert.Empty(tab.FindAll("[data-testid=consumer-protocol-explanation]"));
        Assert.Single(tab.FindAll("[data-testid=idle-member]"));
    }
}
