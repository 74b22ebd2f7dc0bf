using ControlCenter.Kafka.Topics;

namespace ControlCenter.Kafka.Groups;

/// <summary>Consumer group operations used by the pages (implemented by <see cref="GroupAdmin"/>).</summary>
public interface IGroupAdmin
{
    Task<ResetPlan> PlanResetAsync(ResetRequest request);
    Task<ResetOutcome> ApplyResetAsync(ResetPlan plan);
    Task<AdminResult> DeleteGroupAsync(string groupId);
    Task<AdminResult> DeleteTopicOffsetsAsync(string groupId, string topic);
}
