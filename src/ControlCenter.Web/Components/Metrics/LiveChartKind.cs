using ControlCenter.Kafka.Metrics;

namespace ControlCenter.Web.Components.Metrics;

/// <summary>The charts the pages show: which scope's history, which of its fields, in what unit.</summary>
public enum LiveChartKind { ClusterRecords, ClusterBytes, TopicRecords, TopicBytes, GroupLag, GroupLagTime, GroupConsumed }

public enum ChartUnit { RecordsPerSecond, BytesPerSecond, Records, Seconds }

internal sealed record LiveChartDefinition(ScopeKind Scope, (int Field, string Label)[] Lines, ChartUnit Unit)
{
    public static LiveChartDefinition Of(LiveChartKind kind) => kind switch
    {
        LiveChartKind.ClusterRecords => new(ScopeKind.Cluster, [(0, "produced"), (2, "consumed")], ChartUnit.RecordsPerSecond),
        LiveChartKind.ClusterBytes => new(ScopeKind.Cluster, [(1, "produced"), (3, "consumed")], ChartUnit.BytesPerSecond),
        LiveChartKind.TopicRecords => new(ScopeKind.Topic, [(0, "produced")], ChartUnit.RecordsPerSecond),
        LiveChartKind.TopicBytes => new(ScopeKind.Topic, [(1, "produced")], ChartUnit.BytesPerSecond),
        LiveChartKind.GroupLag => new(ScopeKind.Group, [(0, "lag")], ChartUnit.Records),
        LiveChartKind.GroupLagTime => new(ScopeKind.Group, [(1, "lag (time)")], ChartUnit.Seconds),
        _ => new(ScopeKind.Group, [(2, "consumed")], ChartUnit.RecordsPerSecond),
    };
}
