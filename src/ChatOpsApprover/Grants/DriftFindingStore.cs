using Npgsql;

namespace ChatOpsApprover.Grants;

/// <summary>The store of jit.drift_findings: what drift checks found open at each target, so each finding is reported once.</summary>
public sealed class DriftFindingStore
{
    /// <summary>One check of a target at a time, across instances (held until the transaction ends); false when another is running.</summary>
    public async Task<bool> TryLockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string target)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(hashtextextended('drift' || chr(31) || @target, 0))", connection, transaction);
        command.Parameters.AddWithValue("target", target);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Records what one check of <paramref name="target"/> found and returns the findings it had not seen open before.
    /// Findings no longer seen are forgotten, so one that comes back later is new again.
    /// </summary>
    public async Task<HashSet<string>> RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string target, IReadOnlyCollection<string> findings, DateTimeOffset now)
    {
        var keys = findings.Distinct(StringComparer.Ordinal).ToArray();
        await using (var forget = new NpgsqlCommand("DELETE FROM jit.drift_findings WHERE target = @target AND NOT (finding = ANY(@findings))", connection, transaction))
        {
            forget.Parameters.AddWithValue("target", target);
            forget.Parameters.AddWithValue("findings", keys);
            await forget.ExecuteNonQueryAsync();
        }

        await using var record = new NpgsqlCommand(
            """
            INSERT INTO jit.drift_findings (target, finding, first_seen_at, last_seen_at)
            SELECT @target, f, @now, @now FROM unnest(@findings) AS f
            ON CONFLICT (target, finding) DO UPDATE SET last_seen_at = excluded.last_seen_at
            RETURNING finding, xmax = 0
            """, connection, transaction);
        record.Parameters.AddWithValue("target", target);
        record.Parameters.AddWithValue("findings", keys);
        record.Parameters.AddWithValue("now", now);
        var fresh = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await record.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (reader.GetBoolean(1))
            {
                fresh.Add(reader.GetString(0));
            }
        }

        return fresh;
    }
}
