using System.Globalization;

namespace ControlCenter.Kafka.Topics;

/// <summary>
/// Partitions typed as text — "0,3,5-9" — instead of picked from a list (a topic can have
/// thousands). Empty means all of them. Parsing says what is wrong instead of guessing.
/// </summary>
public static class PartitionSet
{
    /// <summary>The partitions named, in order and without repeats; null with <paramref name="error"/> when the text is not valid.</summary>
    public static IReadOnlyList<int>? Parse(string? text, int partitionCount, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text)) return Enumerable.Range(0, partitionCount).ToList();
        var chosen = new SortedSet<int>();
        foreach (var raw in text.Split(','))
        {
            string part = raw.Trim();
            if (part.Length == 0) { error = "An empty item between commas."; return null; }
            int dash = part.IndexOf('-', 1);
            string first = dash < 0 ? part : part[..dash].Trim(), last = dash < 0 ? part : part[(dash + 1)..].Trim();
            if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out int from)
                || !int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out int to))
            {
                error = $"'{part}' is not a partition or a range like 5-9.";
                return null;
            }
            if (to < from) { error = $"'{part}' runs backwards."; return null; }
            if (to >= partitionCount)
            {
                error = $"Partition {to} does not exist: there are {partitionCount} (0 to {partitionCount - 1}).";
                return null;
            }
            for (int p = from; p <= to; p++) chosen.Add(p);
        }
        return chosen.ToList();
    }

    /// <summary>The shortest text for a set of partitions (the inverse of <see cref="Parse"/>): "" for all of them.</summary>
    public static string Format(IReadOnlyCollection<int> partitions, int partitionCount)
    {
        if (partitions.Count == 0 || partitions.Count == partitionCount) return "";
        var ranges = new List<string>();
        int? start = null, previous = null;
        foreach (int p in partitions.Order())
        {
            if (previous is { } prev && p == prev + 1) { previous = p; continue; }
            if (start is { } s) ranges.Add(s == previous ? $"{s}" : $"{s}-{previous}");
            start = previous = p;
        }
        if (start is { } last) ranges.Add(last == previous ? $"{last}" : $"{last}-{previous}");
        return string.Join(",", ranges);
    }
}
