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
    /// The largest epoch at or below <paramref name="requested"/> and the offset where it ended:
    /// the next epoch's start, or the log end for the latest. (-1, -1) when nothing is known
    /// of an epoch that old (the follower then keeps its log up to the leader's answer).
    /// </summary>
    public (int Epoch, long EndOffset) EndOffsetFor(int requested, long logEndOffset)
    {
        if (requested == LatestEpoch) return (requested, logEndOffset);
        for (int i = _entries.Count - 1; i >= 0; i--)
            if (_entries[i].Epoch <= requested)
                return (_entries[i].Epoch, i + 1 < _entries.Count ? _entries[i + 1].StartOffset : logEndOffset);
        return (-1, -1);
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
