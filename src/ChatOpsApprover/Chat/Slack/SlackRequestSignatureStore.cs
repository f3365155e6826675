using Npgsql;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>jit.slack_request_signatures: the signatures of Slack requests already handled, shared by every instance.</summary>
public sealed class SlackRequestSignatureStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Claims a request by its signature; false when any instance already claimed it (a replay). With
    /// <paramref name="purgeBefore"/> set, signatures that can no longer pass the timestamp check go in the same round trip.
    /// </summary>
    public async Task<bool> TryClaimAsync(string signature, DateTimeOffset expiresAt, DateTimeOffset? purgeBefore, CancellationToken cancellationToken)
    {
        // Every Slack request pays for this write, read-only commands too: one round trip that does not wait for the
        // WAL flush. What a crash can lose is the last fraction of a second of claims, for at most their 5 minutes.
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO off"));
        if (purgeBefore is { } cutoff)
        {
            var purge = new NpgsqlBatchCommand("DELETE FROM jit.slack_request_signatures WHERE expires_at < @cutoff");
            purge.Parameters.AddWithValue("cutoff", cutoff);
            batch.BatchCommands.Add(purge);
        }

        var claim = new NpgsqlBatchCommand("INSERT INTO jit.slack_request_signatures (signature, expires_at) VALUES (@signature, @expires) ON CONFLICT DO NOTHING");
        claim.Parameters.AddWithValue("signature", signature);
        claim.Parameters.AddWithValue("expires", expiresAt);
        batch.BatchCommands.Add(claim);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return claim.RecordsAffected == 1;
    }
}
