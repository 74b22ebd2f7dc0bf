namespace ControlCenter.Web.Components.Schemas;

public enum DiffKind { Same, Removed, Added, Changed }

/// <summary>One row of a side-by-side diff: the left line, the right line, or both.</summary>
public sealed record DiffRow(DiffKind Kind, int? LeftNumber, string? Left, int? RightNumber, string? Right);

/// <summary>
/// A line diff of two schema texts for side-by-side display: longest common subsequence of lines,
/// with a removed line next to an added one shown as a change on one row.
/// </summary>
public static class LineDiff
{
    private const int MaxLines = 3000; // beyond this, schemas are compared as two blocks

    public static IReadOnlyList<DiffRow> Compare(string left, string right)
    {
        var a = left.ReplaceLineEndings("\n").Split('\n');
        var b = right.ReplaceLineEndings("\n").Split('\n');
        if (a.Length > MaxLines || b.Length > MaxLines)
            return [.. a.Select((l, i) => new DiffRow(DiffKind.Removed, i + 1, l, null, null)), .. b.Select((l, i) => new DiffRow(DiffKind.Added, null, null, i + 1, l))];

        // lengths[i, j]: longest common subsequence of a[i..] and b[j..]
        var lengths = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
            for (int j = b.Length - 1; j >= 0; j--)
                lengths[i, j] = a[i] == b[j] ? lengths[i + 1, j + 1] + 1 : Math.Max(lengths[i + 1, j], lengths[i, j + 1]);

        var rows = new List<DiffRow>();
        var removed = new List<int>();
        var added = new List<int>();
        void Flush()
        {
            int pairs = Math.Min(removed.Count, added.Count);
            for (int k = 0; k < pairs; k++) rows.Add(new DiffRow(DiffKind.Changed, removed[k] + 1, a[removed[k]], added[k] + 1, b[added[k]]));
            foreach (int r in removed.Skip(pairs)) rows.Add(new DiffRow(DiffKind.Removed, r + 1, a[r], null, null));
            foreach (int r in added.Skip(pairs)) rows.Add(new DiffRow(DiffKind.Added, null, null, r + 1, b[r]));
            removed.Clear();
            added.Clear();
        }
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                Flush();
                rows.Add(new DiffRow(DiffKind.Same, x + 1, a[x], y + 1, b[y]));
                x++; y++;
            }
            else if (y < b.Length && (x == a.Length || lengths[x, y + 1] >= lengths[x + 1, y])) added.Add(y++);
            else removed.Add(x++);
        }
        Flush();
        return rows;
    }
}
