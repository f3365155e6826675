using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace ChatOpsApprover.Jobs;

/// <summary>
/// Hangfire's log provider is one process-wide static, set by whichever host configured Hangfire last; with several
/// hosts in one process (the test suite, the benchmark) it would keep logging into the logger factory of a host that
/// has stopped, and Hangfire then fails to create jobs (its filters ask for a logger when they are built). Hangfire's
/// lines go instead to the newest host that is still running, and are dropped when none is.
/// </summary>
public sealed class HangfireHostLogging : ILogProvider
{
    public static readonly HangfireHostLogging Instance = new();

    private readonly List<ILoggerFactory> _running = [];

    private HangfireHostLogging()
    {
    }

    /// <summary>Hangfire logs into <paramref name="loggers"/> until the host stops.</summary>
    public void Attach(ILoggerFactory loggers, IHostApplicationLifetime lifetime)
    {
        lock (_running)
        {
            _running.Add(loggers);
        }

        lifetime.ApplicationStopped.Register(() =>
        {
            lock (_running)
            {
                _running.Remove(loggers);
            }
        });
    }

    public ILog GetLogger(string name) => new HostLog(this, name);

    private ILog? Current(string name)
    {
        ILoggerFactory? loggers;
        lock (_running)
        {
            loggers = _running.Count == 0 ? null : _running[^1];
        }

        try
        {
            return loggers is null ? null : new AspNetCoreLogProvider(loggers).GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    private sealed class HostLog(HangfireHostLogging provider, string name) : ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                return provider.Current(name)?.Log(logLevel, messageFunc, exception) ?? false;
            }
            catch (ObjectDisposedException)
            {
                // The host stopped between choosing it and writing: the line has nowhere to go.
                return false;
            }
        }
    }
}
