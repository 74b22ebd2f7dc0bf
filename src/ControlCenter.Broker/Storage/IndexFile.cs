namespace ControlCenter.Broker.Storage;

/// <summary>
/// Shared mechanics of .index and .timeindex: fixed-size entries kept in memory for binary
/// search and appended to the file with positional writes (no preallocation, so a closed
/// index never needs trimming). Closed segments load their index lazily on first lookup.
/// </summary>
internal abstract class IndexFile : IDisposable
{
    protected readonly object Sync = new();
    private byte[] _data = [];
    private int _count;
    private bool _loaded;
    private readonly FileHandlePool _pool;
    private PooledFile? _file;

    protected IndexFile(string path, long baseOffset, int maxIndexBytes, FileHandlePool pool)
    {
        _pool = pool;
        FilePath = path;
        BaseOffset = baseOffset;
        MaxEntries = Math.Max(1, maxIndexBytes / EntrySize);
    }

    protected abstract int EntrySize { get; }
    public string FilePath { get; private set; }
    public long BaseOffset { get; }
    protected int MaxEntries { get; }

    public int EntryCount { get { lock (Sync) { EnsureLoaded(); return _count; } } }
    public bool IsFull { get { lock (Sync) { EnsureLoaded(); return _count >= MaxEntries; } } }
    public long SizeInBytes { get { lock (Sync) { EnsureLoaded(); return (long)_count * EntrySize; } } }

    /// <summary>Entry i of the in-memory copy. Callers hold <see cref="Sync"/>.</summary>
    protected ReadOnlySpan<byte> Entry(int i) => _data.AsSpan(i * EntrySize, EntrySize);
    protected int Count => _count;

    protected void EnsureLoaded()
    {
        if (_loaded) return;
        _loaded = true;
        if (!File.Exists(FilePath)) return;
        byte[] bytes = File.ReadAllBytes(FilePath);
        _count = bytes.Length / EntrySize;
        _data = bytes;
    }

    protected void AppendEntry(ReadOnlySpan<byte> entry)
    {
        EnsureLoaded();
        if ((_count + 1) * EntrySize > _data.Length)
            Array.Resize(ref _data, Math.Max(64 * EntrySize, _data.Length * 2));
        entry.CopyTo(_data.AsSpan(_count * EntrySize));
        _file ??= _pool.Register(FilePath, create: true);
        using (var lease = _file.Acquire()) RandomAccess.Write(lease.Handle, entry, (long)_count * EntrySize);
        _count++;
    }

    /// <summary>Keeps the first <paramref name="entries"/> entries and cuts the file to match.</summary>
    protected void TruncateToEntries(int entries)
    {
        EnsureLoaded();
        _count = Math.Clamp(entries, 0, _count);
        if (_file is null && !File.Exists(FilePath)) return;
        _file ??= _pool.Register(FilePath, create: true);
        using var lease = _file.Acquire();
        RandomAccess.SetLength(lease.Handle, (long)_count * EntrySize);
    }

    public void Reset() { lock (Sync) TruncateToEntries(0); }

    /// <summary>Called when the segment stops being active: the file is complete and only read from now on.</summary>
    public void Seal()
    {
        lock (Sync)
        {
            EnsureLoaded();
            _file?.CloseHandle();
            // Make sure an index that never got an entry still exists on disk, as Kafka's does.
            if (!File.Exists(FilePath)) File.WriteAllBytes(FilePath, []);
        }
    }

    public void Flush()
    {
        lock (Sync)
        {
            if (_file is null) return;
            using var lease = _file.Acquire();
            RandomAccess.FlushToDisk(lease.Handle);
        }
    }

    public void RenameTo(string newPath)
    {
        lock (Sync)
        {
            if (File.Exists(FilePath)) File.Move(FilePath, newPath, overwrite: true);
            FilePath = newPath;
            if (_file is not null) _file.Path = newPath;
        }
    }

    public void DeleteFile()
    {
        lock (Sync)
        {
            _file?.Dispose();
            _file = null;
            File.Delete(FilePath);
        }
    }

    /// <summary>Drops the in-memory copy of a closed index; it is read again on the next lookup.</summary>
    public void Unload()
    {
        lock (Sync)
        {
            if (_file?.Handle is not null) return;
            _data = [];
            _count = 0;
            _loaded = false;
        }
    }

    public void Dispose()
    {
        lock (Sync)
        {
            _file?.Dispose();
            _file = null;
        }
    }
}
