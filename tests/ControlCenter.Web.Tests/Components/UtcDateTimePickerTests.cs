using Bunit;
using ControlCenter.Web.Components.Shared;
using ControlCenter.Web.Tests.Infrastructure;

namespace ControlCenter.Web.Tests.Components;

/// <summary>A time that is not a time of day is refused, never read as midnight.</summary>
public class UtcDateTimePickerTests : ComponentTest
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 8, 15, 30, TimeSpan.Zero);

    private (IRenderedComponent<UtcDateTimePicker> Picker, List<DateTimeOffset?> Published) RenderPicker()
    {
        var published = new List<DateTimeOffset?>();
        var picker = Render<UtcDateTimePicker>(p => p
            .Add(x => x.Value, Start)
            .Add(x => x.ValueChanged, v => published.Add(v))
            .Add(x => x.TestId, "at"));
        return (picker, published);
    }

    private static void TypeTime(IRenderedComponent<UtcDateTimePicker> picker, string text) =>
        picker.Find("input[data-testid=at-time], [data-testid=at-time] input").Change(text);

    [Theory]
    [InlineData("99:99:99")]
    [InlineData("24:00:00")]
    [InlineData("12:60:00")]
    [InlineData("noon")]
    public void ImpossibleTimesAreRefusedAndPublishNoTime(string text)
    {
        var (picker, published) = RenderPicker();
        TypeTime(picker, text);
        Assert.Equal([null], published);
        Assert.Contains("Not a time of day", picker.Markup);
    }

    [Fact]
    public void AValidTimeIsTakenOnTheChosenDate()
    {
        var (picker, published) = RenderPicker();
        TypeTime(picker, "23:59:58");
        Assert.Equal([new DateTimeOffset(2026, 5, 1, 23, 59, 58, TimeSpan.Zero)], published);
        Assert.DoesNotContain("Not a time of day", picker.Markup);
    }
}
