namespace ControlCenter.Web.Components.Shared;

/// <summary>
/// A lab's steps, shown as they happen: the lab reports from its own thread, and each step is
/// added through <c>dispatch</c>, which the component points at its renderer (and re-renders).
/// </summary>
public sealed class StepsProgress(List<string> steps, Func<Action, Task> dispatch) : IProgress<string>
{
    public void Report(string value) => _ = dispatch(() => steps.Add(value));
}
