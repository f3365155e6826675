using System.Globalization;
using ChatOpsApprover.Domain;
using ChatOpsApprover.Observability;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOpsApprover.Audit;

/// <summary>
/// Counts inbound requests whose signature failed, in memory, per platform and per one-minute window, and writes one
/// audit entry (<see cref="AuditEvents.SecuritySignatureFailures"/>) for a window that reached
/// Audit:SignatureFailureThreshold. A failed request itself costs one counter increment, never a database write, so
/// a flood of forged requests cannot turn into a flood of writes: at most one entry per platform per minute.
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
    private readonly Dictionary<ChatPlatform, Burst> _open = [];
    private readonly HashSet<Task> _writing = [];

    public void Record(ChatPlatform platform, string path, string? source)
    {
        metrics.SignatureFailed(platform);
        lock (_gate)
        {
            if (!_open.TryGetValue(platform, out var burst))
            {
                burst = new Burst(time.GetUtcNow());
                _open[platform] = burst;
                burst.Timer = time.CreateTimer(_ => Close(platform, burst), null, Window, Timeout.InfiniteTimeSpan);
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

    private void Close(ChatPlatform platform, Burst burst)
    {
        lock (_gate)
        {
            if (_open.GetValueOrDefault(platform) == burst)
            {
                _open.Remove(platform);
            }

            burst.Timer?.Dispose();
            if (burst.Count < options.Value.SignatureFailureThreshold)
            {
                return;
            }

            var write = WriteAsync(platform, burst);
            _writing.Add(write);
            _ = write.ContinueWith(done => { lock (_gate) { _writing.Remove(done); } }, TaskScheduler.Default);
        }
    }

    private async Task WriteAsync(ChatPlatform platform, Burst burst)
    {
        await Task.Yield();
        var now = time.GetUtcNow();
        var details = new Dictionary<string, string>
        {
            ["count"] = burst.Count.ToString(CultureInfo.InvariantCulture),
            ["threshold"] = options.Value.SignatureFailureThreshold.ToString(CultureInfo.InvariantCulture),
            ["window_start"] = AuditChain.FormatTime(burst.Start),
            ["window_end"] = AuditChain.FormatTime(burst.Start + Window),
            ["endpoints"] = string.Join(", ", burst.Paths.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} ×{p.Value.ToString(CultureInfo.InvariantCulture)}")),
            ["sources"] = string.Join(", ", burst.Sources) + (burst.MoreSources ? ", …" : string.Empty),
        };
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await audit.AppendAsync(connection, transaction, new AuditEntry(AuditEvents.SecuritySignatureFailures, null, "unknown", platform, now, details));
            await transaction.CommitAsync();
            logger.LogWarning("{Count} {Platform} requests with bad signatures in one minute; recorded in the audit log", burst.Count, platform);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            logger.LogError(e, "{Count} {Platform} requests with bad signatures in one minute could not be recorded in the audit log", burst.Count, platform);
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
