using System.Diagnostics;
using Npgsql;

namespace ChatOpsApprover.Bench.Edge;

/// <summary>
/// What the bot still has to do after the answers were sent: Hangfire jobs not yet finished (cards, notifications,
/// grants), approved requests not yet granted, audit entries not yet sealed into the log (when the schema has an
/// outbox) or not yet posted to the audit channel. With <paramref name="jobsHeld"/> (the bot runs no Hangfire server and
/// no audit channel) jobs, the grants they would make and audit-channel posts are not waited for: only the outbox relay
/// and the audit sealer.
/// </summary>
public sealed class BackgroundWork(NpgsqlDataSource dataSource, bool jobsHeld)
{
    private const string OwnQueryMark = "/* edge benchmark: background check */";

    private string? _pendingSql;
    private long _polls;

    /// <summary>Transactions this check has run in the bot's database (each poll is one).</summary>
    public long Polls => Interlocked.Read(ref _polls);

    /// <summary>Whether a statement is this check's own, so the bot's statement counts leave it out.</summary>
    public static bool IsOwnQuery(string query) => query.Contains(OwnQueryMark, StringComparison.Ordinal);

    /// <summary>Waits until nothing is left, seen twice 100 ms apart; returns how long that took, or null after 3 minutes.</summary>
    public async Task<TimeSpan?> WaitUntilDoneAsync()
    {
        var clock = Stopwatch.StartNew();
        var quietChecks = 0;
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            quietChecks = await PendingAsync() == 0 ? quietChecks + 1 : 0;
            if (quietChecks == 2)
            {
                return clock.Elapsed;
            }

            await Task.Delay(100);
        }

        return null;
    }

    public async Task<long> PendingAsync()
    {
        _pendingSql ??= await PendingSqlAsync();
        Interlocked.Increment(ref _polls);
        await using var command = dataSource.CreateCommand(_pendingSql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<List<long>> PendingRequestIdsAsync()
    {
        await using var command = dataSource.CreateCommand("SELECT id FROM jit.access_requests WHERE status = 'pending' ORDER BY id");
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    /// <summary>Requests by status, audit entries and failed jobs, so a run that did less than it seemed shows it.</summary>
    public async Task<string> SummaryAsync()
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT (SELECT string_agg(status || ' ' || n, ', ' ORDER BY status) FROM (SELECT status, count(*) AS n FROM jit.access_requests GROUP BY status) s),
                   (SELECT count(*) FROM jit.audit_log),
                   (SELECT count(*) FROM hangfire.job WHERE statename = 'Failed')
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return $"requests: {(reader.IsDBNull(0) ? "none" : reader.GetString(0))}; audit entries: {reader.GetInt64(1)}; failed jobs: {reader.GetInt64(2)}";
    }

    private async Task<string> PendingSqlAsync()
    {
        await using var command = dataSource.CreateCommand("SELECT to_regclass('jit.audit_outbox') IS NOT NULL");
        var outbox = await command.ExecuteScalarAsync() is true;
        return $"""
            {OwnQueryMark}
            SELECT {(jobsHeld ? "(SELECT count(*) FROM jit.job_outbox)" : "(SELECT count(*) FROM hangfire.job WHERE statename IN ('Enqueued', 'Processing', 'Scheduled', 'Awaiting'))")}
                 + {(jobsHeld ? "0" : "(SELECT count(*) FROM jit.access_requests WHERE status = 'approved')")}
                 + {(jobsHeld ? "0" : "greatest(0, (SELECT coalesce(max(id), 0) FROM jit.audit_log) - (SELECT coalesce(min(last_id), 0) FROM jit.audit_publish_cursor))")}
                 {(outbox ? "+ (SELECT count(*) FROM jit.audit_outbox)" : string.Empty)}
            """;
    }
}
