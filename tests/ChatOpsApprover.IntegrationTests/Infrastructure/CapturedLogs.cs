using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ChatOpsApprover.IntegrationTests.Infrastructure;

/// <summary>Keeps every log line the bot writes (with exceptions), so tests can read them and failures can show them.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public string All => string.Join(Environment.NewLine, _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? string.Empty : Environment.NewLine + exception)}";
            sink._lines.Enqueue(line);
            if (Environment.GetEnvironmentVariable("CHATOPS_TEST_LOG") is { Length: > 0 } path && logLevel >= LogLevel.Warning)
            {
                lock (sink)
                {
                    File.AppendAllText(path, line + Environment.NewLine);
                }
            }
        }
    }
}
