using System.Buffers;
using System.Buffers.Binary;
using ControlCenter.LogFormat.Records;
using Microsoft.Win32.SafeHandles;

namespace ControlCenter.LogFormat.Files;

/// <summary>Why a <see cref="BatchCursor"/> stopped before the end of its range.</summary>
public enum BatchCursorStop
{
    None,
    /// <summary>The bytes at the tail do not form a whole batch yet (a write in progress, or a torn write after a crash).</summary>
    Incomplete,
    /// <summary>The header is invalid: a length that cannot be, or a magic other than 2.</summary>
    Corrupt,
}

/// <summary>
/// Walks the record batches of a .log file front to back through a large read buffer, so that
/// scanning costs one read per megabyte instead of one per batch. It never reads past
/// <c>end</c> and treats a partial batch at the tail as the end, which makes it safe on a live
/// segment that a broker is appending to.
/// </summary>
public sealed class BatchCursor : IDisposable
{
    private const int MinBatchLength = RecordBatchHeader.Size - RecordBatchHeader.LogOverhead;
    private readonly SafeFileHandle _file;
    private readonly long _end;
    private readonly bool _loadBodies;
    private byte[] _buffer;
    private long _bufferStart;
    private int _bufferLength;
    private long _next;
    private readonly IDisposable? _owner;

    /// <param name="owner">Disposed with the cursor (e.g. a lease that keeps <paramref name="file"/> open).</param>
    public BatchCursor(SafeFileHandle file, long start, long end, bool loadBodies, int bufferSize = 1 << 20, IDisposable? owner = null)
    {
        _owner = owner;
        _file = file;
        _next = start;
        _end = end;
        _loadBodies = loadBodies;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    }

    public long Position { get; private set; } = -1;
    public RecordBatchHeader Header { get; private set; }
    public BatchCursorStop Stop { get; private set; }
    /// <summary>Where the next batch would start: the end of the last batch read.</summary>
    public long NextPosition => _next;

    /// <summary>The whole current batch; only with loadBodies. Valid until the next MoveNext.</summary>
    public ReadOnlySpan<byte> CurrentBatch =>
        _buffer.AsSpan((int)(Position - _bufferStart), Header.SizeInBytes);

    public bool MoveNext()
    {
        if (_end - _next <= 0) return false;
        if (_end - _next < RecordBatchHeader.LogOverhead + 5) { Stop = BatchCursorStop.Incomplete; return false; }
        if (!EnsureBuffered(_next, (int)Math.Min(RecordBatchHeader.Size, _end - _next))) { Stop = BatchCursorStop.Incomplete; return false; }
        var span = _buffer.AsSpan((int)(_next - _bufferStart));
        int length = BinaryPrimitives.ReadInt32BigEndian(span[8..]);
        sbyte magic = (sbyte)span[RecordBatchHeader.MagicOffset];
        if (length < MinBatchLength || magic != 2)
        {
            Stop = length >= 0 && _end - _next < RecordBatchHeader.Size ? BatchCursorStop.Incomplete : BatchCursorStop.Corrupt;
            return false;
        }
        long size = (long)length + RecordBatchHeader.LogOverhead;
        if (_next + size > _end) { Stop = BatchCursorStop.Incomplete; return false; }
        if (_loadBodies && !EnsureBuffered(_next, (int)size)) { Stop = BatchCursorStop.Incomplete; return false; }
        RecordBatchHeader.TryRead(_buffer.AsSpan((int)(_next - _bufferStart)), out var header);
        Header = header;
        Position = _next;
        _next += size;
        return true;
    }

    private bool EnsureBuffered(long position, int count)
    {
        if (position >= _bufferStart && position + count <= _bufferStart + _bufferLength) return true;
        if (count > _buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(count);
        }
        int toRead = (int)Math.Min(_buffer.Length, _end - position);
        int read = 0;
        while (read < toRead)
        {
            int n = RandomAccess.Read(_file, _buffer.AsSpan(read, toRead - read), position + read);
            if (n <= 0) break;
            read += n;
        }
        _bufferStart = position;
        _bufferLength = read;
        return read >= count;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        _owner?.Dispose();
    }
}
