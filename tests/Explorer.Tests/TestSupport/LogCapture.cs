using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Explorer.Tests.TestSupport;

/// <summary>Keeps every log line an app writes (category, event id, level, message), for tests that count them.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, EventId Event, LogLevel Level, string Message)> _lines = new();

    public IReadOnlyList<(string Category, EventId Event, LogLevel Level, string Message)> Lines => [.. _lines];

    public int Count(int eventId) => _lines.Count(l => l.Event.Id == eventId);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, EventId, LogLevel, string)> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue((category, eventId, logLevel, exception is null ? formatter(state, exception) : $"{formatter(state, exception)} {exception}"));
    }
}
