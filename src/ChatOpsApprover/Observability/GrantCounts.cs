using System.Diagnostics.Metrics;
using ChatOpsApprover.Requests;
using Npgsql;

namespace ChatOpsApprover.Observability;

/// <summary>
/// Active and overdue grants for the gauges, read from the database (the source of truth, shared by every instance)
/// at most once per <see cref="CacheFor"/>, so frequent scrapes by several scrapers cost one cheap query.
/// </summary>
public sealed class GrantCounts(RequestStore store, TimeProvider time, ILogger<GrantCounts> logger)
{
    /// <summary>Past its end by more than this, an active grant counts as overdue: the scheduler revokes within milliseconds.</summary>
    public static readonly TimeSpan OverdueAfter = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private Counts? _last;
    private long _readAt;

    /// <summary>The counts, or null when the database could not be read (the gauges then report nothing).</summary>
    public Counts? Read()
    {
        lock (_gate)
        {
            // The cache runs on the machine's clock; "overdue" on the application's, like the windows themselves.
            if (_last is not null && TimeProvider.System.GetElapsedTime(_readAt) < CacheFor)
            {
                return _last;
            }

            try
            {
                var (active, overdue) = store.CountActive(time.GetUtcNow() - OverdueAfter);
                _last = new Counts([new Measurement<long>(active)], [new Measurement<long>(overdue)]);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                logger.LogWarning("Active and overdue grants could not be counted for metrics: {Why}", e.Message);
                _last = null;
            }

            _readAt = TimeProvider.System.GetTimestamp();
            return _last;
        }
    }

    public sealed record Counts(IEnumerable<Measurement<long>> Active, IEnumerable<Measurement<long>> Overdue);
}
