using Npgsql;
using NpgsqlTypes;

namespace ChatOpsApprover.Chat.Slack;

/// <summary>
/// jit.slack_request_signatures: the signatures of Slack requests already handled, shared by every instance. Claims go
/// through a small pool of their own whose sessions commit without waiting for the WAL flush (every Slack request pays
/// for a claim, read-only commands too): what a crash of PostgreSQL can lose is the last fraction of a second of claims,
/// for at most their 5 minutes.
/// </summary>
public sealed class SlackRequestSignatureStore : IAsyncDisposable
{
    private const string Claim =
        "INSERT INTO jit.slack_request_signatures (signature, expires_at) " +
        "SELECT * FROM unnest(@signatures::text[], @expires::timestamptz[]) ON CONFLICT DO NOTHING RETURNING signature";

    private readonly NpgsqlDataSource _claims;

    public SlackRequestSignatureStore(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // The claim is a single statement: its own implicit transaction, committed asynchronously.
            Options = AsynchronousCommit(new NpgsqlConnectionStringBuilder(connectionString).Options),
            // Nothing on these sessions outlives a statement, so returning one to the pool needs no DISCARD ALL
            // (a statement and a commit per claim otherwise), and the claim is prepared once per session.
            NoResetOnClose = true,
            MaxAutoPrepare = 4,
            AutoPrepareMinUsages = 2,
            // Claims are sent one batch at a time (SlackSignatureClaims); the purge and a second instance's worth of slack.
            MaxPoolSize = 4,
        };
        _claims = new NpgsqlDataSourceBuilder(builder.ConnectionString) { Name = "chatopsapprover:slack-signatures" }.Build();
    }

    /// <summary>
    /// Claims requests by their signatures in one round trip; returns those claimed now, so any other was claimed before
    /// by some instance (a replay). With <paramref name="purgeBefore"/> set, signatures that can no longer pass the
    /// timestamp check go in the same round trip.
    /// </summary>
    public async Task<IReadOnlySet<string>> TryClaimAsync(IReadOnlyList<SignatureClaim> claims, DateTimeOffset? purgeBefore, CancellationToken cancellationToken)
    {
        await using var batch = _claims.CreateBatch();
        var claim = new NpgsqlBatchCommand(Claim);
        claim.Parameters.Add(new NpgsqlParameter<string[]>("signatures", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. claims.Select(c => c.Key)] });
        claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("expires", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = [.. claims.Select(c => c.ExpiresAt)] });
        batch.BatchCommands.Add(claim);

        // After the claim, so the reader's first result is the claimed signatures; every new claim is still valid.
        if (purgeBefore is { } cutoff)
        {
            var purge = new NpgsqlBatchCommand("DELETE FROM jit.slack_request_signatures WHERE expires_at < @cutoff");
            purge.Parameters.AddWithValue("cutoff", cutoff);
            batch.BatchCommands.Add(purge);
        }

        var claimed = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(reader.GetString(0));
        }

        return claimed;
    }

    public ValueTask DisposeAsync() => _claims.DisposeAsync();

    private static string AsynchronousCommit(string? options) =>
        string.IsNullOrWhiteSpace(options) ? "-c synchronous_commit=off" : options + " -c synchronous_commit=off";
}
