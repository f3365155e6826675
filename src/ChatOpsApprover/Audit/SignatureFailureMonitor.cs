using System.Globalization;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Observability;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.Audit;

/// <summary>
/// Counts refused inbound requests, in memory, per kind, platform and one-minute window, and writes one audit entry per
/// window: <see cref="AuditEvents.SecuritySignatureFailures"/> for bad signatures once a window reached
/// Audit:SignatureFailureThreshold, <see cref="AuditEvents.SecurityReplaysRefused"/> for validly signed requests sent
/// again (always: only someone who captured a real request can replay it). A refused request itself costs one counter
/// increment, never a database write, so a flood cannot turn into a flood of writes: at most one entry per kind per
/// platform per minute.
/// </summary>
public sealed class SignatureFailureMonitor(
    NpgsqlDataSource dataSource,
    AuditLog audit,
    TimeProvider time,
    IOptions<AuditOptions> options,
    JitMetrics metrics,
    ILogger<SignatureFailureMonitor> logger) : IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int MaxSources = 5;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Event, ChatPlatform Platform), Burst> _open = [];
    private readonly HashSet<Task> _writing = [];

    /// <summary>A request whose signature or token failed.</summary>
    public void Record(ChatPlatform platform, string path, string? source) =>
        Count(AuditEvents.SecuritySignatureFailures, platform, path, source);

    /// <summary>A validly signed request that was already handled, sent again.</summary>
    public void RecordReplay(ChatPlatform platform, string path, string? source) =>
        Count(AuditEvents.SecurityReplaysRefused, platform, path, source);

    private void Count(string @event, ChatPlatform platform, string path, string? source)
    {
        metrics.SignatureFailed(platform);
        lock (_gate)
        {
            var key = (@event, platform);
            if (!_open.TryGetValue(key, out var burst))
            {
                burst = new Burst(time.GetUtcNow());
                _open[key] = burst;
                burst.Timer = time.CreateTimer(_ => Close(key, burst), null, Window, Timeout.InfiniteTimeSpan);
            }

            burst.Count++;
            burst.Paths[path] = burst.Paths.GetValueOrDefault(path) + 1;
            if (source is not null && !burst.Sources.Contains(source))
            {
                if (burst.Sources.Count < MaxSources)
                {
                    burst.Sources.Add(source);
                }
                else
                {
                    burst.MoreSources = true;
                }
            }
        }
    }

    /// <summary>Completes when the entries of closed windows are written (tests and shutdown).</summary>
    public Task WhenWrittenAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll(_writing.ToArray());
        }
    }

    private void Close((string Event, ChatPlatform Platform) key, Burst burst)
    {
        lock (_gate)
        {
            if (_open.GetValueOrDefault(key) == burst)
            {
                _open.Remove(key);
            }

            burst.Timer?.Dispose();
            var threshold = key.Event == AuditEvents.SecuritySignatureFailures ? options.Value.SignatureFailureThreshold : 1;
            if (burst.Count < threshold)
            {
                return;
            }

            var write = WriteAsync(key.Event, key.Platform, burst, threshold);
            _writing.Add(write);
            _ = write.ContinueWith(done => { lock (_gate) { _writing.Remove(done); } }, TaskScheduler.Default);
        }
    }

    private async Task WriteAsync(string @event, ChatPlatform platform, Burst burst, int threshold)
    {
        await Task.Yield();
        var now = time.GetUtcNow();
        var details = new Dictionary<string, string>
        {
            ["count"] = burst.Count.ToString(CultureInfo.InvariantCulture),
            ["threshold"] = threshold.ToString(CultureInfo.InvariantCulture),
            ["window_start"] = AuditChain.FormatTime(burst.Start),
            ["window_end"] = AuditChain.FormatTime(burst.Start + Window),
            ["endpoints"] = string.Join(", ", burst.Paths.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} ×{p.Value.ToString(CultureInfo.InvariantCulture)}")),
            ["sources"] = string.Join(", ", burst.Sources) + (burst.MoreSources ? ", …" : string.Empty),
        };
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await audit.AppendAsync(connection, transaction, new AuditEntry(@event, null, "unknown", platform, now, details));
            await transaction.CommitAsync();
            logger.LogWarning("{Count} {Platform} requests refused in one minute ({Event}); recorded in the audit log", burst.Count, platform, @event);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            logger.LogError(e, "{Count} {Platform} requests refused in one minute ({Event}) could not be recorded in the audit log", burst.Count, platform, @event);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var burst in _open.Values)
            {
                burst.Timer?.Dispose();
            }

            _open.Clear();
        }
    }

    private sealed class Burst(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;
        public int Count { get; set; }
        public Dictionary<string, int> Paths { get; } = new(StringComparer.Ordinal);
        public List<string> Sources { get; } = [];
        public bool MoreSources { get; set; }
        public ITimer? Timer { get; set; }
    }
}
