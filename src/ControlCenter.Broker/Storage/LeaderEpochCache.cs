using ControlCenter.LogFormat.Files;

namespace ControlCenter.Broker.Storage;

/// <summary>
/// Kafka's LeaderEpochFileCache: which leader epoch started at which offset, kept in the
/// partition's leader-epoch-checkpoint file. A follower asks the leader where its own latest
/// epoch ended (OffsetForLeaderEpoch) and truncates to that point, so a log never keeps
/// records the new leader does not have. Callers hold the log's lock.
/// </summary>
internal sealed class LeaderEpochCache(string dir)
{
    private readonly List<(int Epoch, long StartOffset)> _entries = LoadEntries(dir);

    private string FilePath => Path.Combine(dir, LogFileNames.LeaderEpochCheckpointFile);

    private static List<(int, long)> LoadEntries(string dir)
    {
        try { return LeaderEpochCheckpointFile.Read(Path.Combine(dir, LogFileNames.LeaderEpochCheckpointFile)).ToList(); }
        catch (Exception e) when (e is InvalidDataException or FormatException) { return []; }
    }

    public int LatestEpoch => _entries.Count == 0 ? -1 : _entries[^1].Epoch;
    public IReadOnlyList<(int Epoch, long StartOffset)> Entries => _entries;

    /// <summary>Records that <paramref name="epoch"/> starts at <paramref name="startOffset"/> (only a newer epoch adds an entry).</summary>
    public void Assign(int epoch, long startOffset)
    {
        if (epoch < 0 || epoch <= LatestEpoch) return;
        _entries.Add((epoch, startOffset));
        Save();
    }

    /// <summary>
    /// Where <paramref name="requested"/> ended in this log (Kafka's endOffsetFor): the latest
    /// epoch ends at the log end; an older one at the start of the next epoch, answered with
    /// the largest epoch at or below it; an epoch older than every entry ends where the first
    /// entry starts. (-1, -1) when nothing is known of it (a newer epoch, or no entries): the
    /// follower then keeps its log up to its high watermark.
    /// </summary>
    public (int Epoch, long EndOffset) EndOffsetFor(int requested, long logEndOffset)
    {
        if (requested < 0) return (-1, -1);
        if (requested == LatestEpoch) return (requested, logEndOffset);
        int higher = _entries.FindIndex(e => e.Epoch > requested);
        if (higher < 0) return (-1, -1);
        return higher == 0 ? (requested, _entries[0].StartOffset) : (_entries[higher - 1].Epoch, _entries[higher].StartOffset);
    }

    /// <summary>Forgets epochs that start at or after <paramref name="offset"/> (the log was truncated there).</summary>
    public void TruncateFromEnd(long offset)
    {
        int before = _entries.Count;
        _entries.RemoveAll(e => e.StartOffset >= offset);
        if (_entries.Count != before) Save();
    }

    private void Save()
    {
        if (Directory.Exists(dir)) LeaderEpochCheckpointFile.Write(FilePath, _entries);
    }
}
