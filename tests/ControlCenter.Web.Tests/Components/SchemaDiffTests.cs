using ControlCenter.SchemaRegistry.Formats;
using ControlCenter.Web.Components.Schemas;

namespace ControlCenter.Web.Tests.Components;

public class SchemaDiffTests
{
    [Fact]
    public void AnAddedFieldIsOneAddedRowBesideUnchangedOnes()
    {
        string v1 = SchemaText.Pretty("""{"type":"record","name":"P","fields":[{"name":"a","type":"int"}]}""", SchemaType.Avro);
        string v2 = SchemaText.Pretty("""{"type":"record","name":"P","fields":[{"name":"a","type":"int"},{"name":"email","type":"string"}]}""", SchemaType.Avro);
        var rows = LineDiff.Compare(v1, v2);
        Assert.Contains(rows, r => r.Kind == DiffKind.Added && r.Right!.Contains("email"));
        Assert.DoesNotContain(rows, r => r.Kind == DiffKind.Removed);
        Assert.Equal(v1.Split('\n').Length, rows.Count(r => r.Kind is DiffKind.Same or DiffKind.Changed));
    }

    [Fact]
    public void AChangedLineIsShownOnOneRow()
    {
        var rows = LineDiff.Compare("a\nb\nc", "a\nB\nc");
        Assert.Equal([DiffKind.Same, DiffKind.Changed, DiffKind.Same], rows.Select(r => r.Kind));
        Assert.Equal(("b", "B"), (rows[1].Left, rows[1].Right));
    }
}
