using Microsoft.Extensions.Logging;

namespace ControlCenter.Broker.Server;

/// <summary>
/// Warnings about what clients send (malformed frames, bad sizes, requests that fail) go
/// through here: at most <see cref="PerMinute"/> a minute across all connections, then one line
/// saying how many were left out. A flood of bad requests cannot fill the disk with logs.
/// </summary>
internal sealed class ConnectionLog(ILogger logger, TimeProvider time)
{
    public const int PerMinute = 20;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _written, _suppressed;

    public void Warning(string message, params object?[] args) => Write(LogLevel.Warning, null, message, args);
    public void Error(Exception e, string message, params object?[] args) => Write(LogLevel.Error, e, message, args);

    private void Write(LogLevel level, Exception? exception, string message, object?[] args)
    {
        if (!logger.IsEnabled(level)) return;
        int leftOut;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (now - _windowStart >= Window)
            {
                leftOut = _suppressed;
                (_windowStart, _written, _suppressed) = (now, 0, 0);
            }
            else leftOut = 0;
            if (_written >= PerMinute)
            {
                _suppressed++;
                return;
            }
            _written++;
        }
        if (leftOut > 0) logger.LogWarning("{Count} more connection warnings were left out in the last minute", leftOut);
        logger.Log(level, exception, message, args);
    }
}
