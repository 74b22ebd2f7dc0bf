using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ControlCenter.Testing;

/// <summary>Keeps what a component logs (Information and above unless told), for tests that assert on logs (errors that must never happen, rate limits).</summary>
public sealed class LogRecorder(LogLevel minimum = LogLevel.Information) : ILoggerProvider
{
    public sealed record Entry(LogLevel Level, string Category, string Message, Exception? Exception);

    private readonly ConcurrentQueue<Entry> _entries = new();
    private readonly LogLevel _minimum = minimum;

    public IReadOnlyList<Entry> Entries => [.. _entries];

    public ILoggerFactory Factory() => LoggerFactory.Create(b => b.AddProvider(this).SetMinimumLevel(_minimum));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(LogRecorder recorder, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= recorder._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) recorder._entries.Enqueue(new Entry(logLevel, category, formatter(state, exception), exception));
        }
    }
}
