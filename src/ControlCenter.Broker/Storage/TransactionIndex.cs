using ControlCenter.LogFormat.Files;

namespace ControlCenter.Broker.Storage;

/// <summary>
/// The .txnindex of a segment (Kafka's TransactionIndex): the aborted transactions whose ABORT
/// marker is in this segment. The file exists only once a transaction was aborted here; its
/// entries are few, so they are kept in memory and the file is appended to and rewritten whole.
/// </summary>
internal sealed class TransactionIndex
{
    private readonly object _sync = new();
    private List<AbortedTxnEntry>? _entries;

    public TransactionIndex(string path) => FilePath = path;

    public string FilePath { get; private set; }

    public IReadOnlyList<AbortedTxnEntry> Entries { get { lock (_sync) return Loaded().ToList(); } }

    private List<AbortedTxnEntry> Loaded() =>
        _entries ??= File.Exists(FilePath) ? AbortedTxnEntry.ReadAll(File.ReadAllBytes(FilePath)).ToList() : [];

    public void Append(AbortedTxnEntry entry)
    {
        lock (_sync)
        {
            Loaded().Add(entry);
            var bytes = new byte[AbortedTxnEntry.Size];
            entry.Write(bytes);
            using var file = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
    }

    /// <summary>Drops the transactions that ended at or after <paramref name="offset"/> (the log was truncated there).</summary>
    public void TruncateTo(long offset)
    {
        lock (_sync)
        {
            var entries = Loaded();
            if (entries.RemoveAll(e => e.LastOffset >= offset) == 0) return;
            if (entries.Count == 0) { File.Delete(FilePath); return; }
            var bytes = new byte[entries.Count * AbortedTxnEntry.Size];
            for (int i = 0; i < entries.Count; i++) entries[i].Write(bytes.AsSpan(i * AbortedTxnEntry.Size));
            File.WriteAllBytes(FilePath, bytes);
        }
    }

    public void RenameTo(string path)
    {
        lock (_sync)
        {
            if (File.Exists(FilePath)) File.Move(FilePath, path, overwrite: true);
            FilePath = path;
        }
    }

    public void DeleteFile() { lock (_sync) { File.Delete(FilePath); _entries = []; } }
}
