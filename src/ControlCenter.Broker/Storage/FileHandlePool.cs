using Microsoft.Win32.SafeHandles;

namespace ControlCenter.Broker.Storage;

/// <summary>
/// Bounds the broker's open file descriptors. Every segment and index file is a
/// <see cref="PooledFile"/> that is opened on use and closed again when it has been idle
/// longest and the pool is full, so thousands of partitions fit under the process's limit.
/// Users hold a <see cref="FileLease"/> while they read or write; a leased file is never closed.
/// </summary>
internal sealed class FileHandlePool(int maxOpen)
{
    private readonly object _sync = new();
    private readonly LinkedList<PooledFile> _open = new(); // most recently used first

    public int MaxOpen { get; } = Math.Max(16, maxOpen);
    public int OpenCount { get { lock (_sync) return _open.Count; } }

    public PooledFile Register(string path, bool create) => new(this, path, create);

    internal FileLease Acquire(PooledFile file)
    {
        lock (_sync)
        {
            if (file.Disposed) throw new ObjectDisposedException(file.Path);
            if (file.Handle is null)
            {
                EvictIfFull();
                file.Handle = File.OpenHandle(file.Path, file.Create ? FileMode.OpenOrCreate : FileMode.Open,
                    FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                file.Node = _open.AddFirst(file);
            }
            else if (file.Node is not null)
            {
                _open.Remove(file.Node);
                _open.AddFirst(file.Node);
            }
            file.Leases++;
            return new FileLease(file, file.Handle);
        }
    }

    internal void Release(PooledFile file)
    {
        lock (_sync)
        {
            file.Leases--;
            if (file.Disposed && file.Leases == 0) CloseLocked(file);
        }
    }

    internal void Close(PooledFile file, bool dispose)
    {
        lock (_sync)
        {
            if (dispose) file.Disposed = true;
            if (file.Leases == 0) CloseLocked(file);
        }
    }

    private void EvictIfFull()
    {
        var node = _open.Last;
        while (_open.Count >= MaxOpen && node is not null)
        {
            var previous = node.Previous;
            if (node.Value.Leases == 0) CloseLocked(node.Value);
            node = previous;
        }
    }

    private void CloseLocked(PooledFile file)
    {
        file.Handle?.Dispose();
        file.Handle = null;
        if (file.Node is not null) _open.Remove(file.Node);
        file.Node = null;
    }
}

/// <summary>A file the pool may close while idle; its path can change (renames such as ".deleted").</summary>
internal sealed class PooledFile(FileHandlePool pool, string path, bool create) : IDisposable
{
    public string Path { get; set; } = path;
    public bool Create { get; } = create;
    internal SafeFileHandle? Handle;
    internal LinkedListNode<PooledFile>? Node;
    internal int Leases;
    internal bool Disposed;

    public FileLease Acquire() => pool.Acquire(this);

    internal void Release() => pool.Release(this);

    /// <summary>Closes the descriptor now (it reopens on next use); used before renames and deletes.</summary>
    public void CloseHandle() => pool.Close(this, dispose: false);

    public void Dispose() => pool.Close(this, dispose: true);
}

/// <summary>Keeps a pooled file open while held.</summary>
internal readonly struct FileLease(PooledFile file, SafeFileHandle handle) : IDisposable
{
    public SafeFileHandle Handle { get; } = handle;
    public void Dispose() => file.Release();
}
