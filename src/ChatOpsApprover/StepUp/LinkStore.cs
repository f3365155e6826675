using ChatOpsApprover.Domain;
using Npgsql;
using NpgsqlTypes;

namespace ChatOpsApprover.StepUp;

/// <summary>The only place that reads or writes jit.stepup_links. Callers own the transaction.</summary>
public sealed class LinkStore
{
    /// <summary>Stores a new link and retires every earlier open link with the same binding: only the newest one works.</summary>
    public async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] tokenHash, string personId, StepUpPurpose? purpose, long? requestId, DateTimeOffset now, DateTimeOffset expiresAt, long? extensionId = null)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var supersede = new NpgsqlBatchCommand(
            "UPDATE jit.stepup_links SET superseded_at = $1 WHERE person_id = $2 AND purpose = $3 AND request_id IS NOT DISTINCT FROM $4 AND extension_id IS NOT DISTINCT FROM $5 AND used_at IS NULL AND superseded_at IS NULL");
        supersede.Parameters.Add(new NpgsqlParameter { Value = now });
        supersede.Parameters.Add(new NpgsqlParameter { Value = personId });
        supersede.Parameters.Add(new NpgsqlParameter { Value = PurposeNames.OfLink(purpose) });
        supersede.Parameters.Add(new NpgsqlParameter { Value = (object?)requestId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        supersede.Parameters.Add(new NpgsqlParameter { Value = (object?)extensionId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        batch.BatchCommands.Add(supersede);
        var insert = new NpgsqlBatchCommand(
            "INSERT INTO jit.stepup_links (token_hash, purpose, person_id, request_id, created_at, expires_at, extension_id) VALUES ($1, $2, $3, $4, $5, $6, $7)");
        insert.Parameters.Add(new NpgsqlParameter { Value = tokenHash });
        insert.Parameters.Add(new NpgsqlParameter { Value = PurposeNames.OfLink(purpose) });
        insert.Parameters.Add(new NpgsqlParameter { Value = personId });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)requestId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        insert.Parameters.Add(new NpgsqlParameter { Value = now });
        insert.Parameters.Add(new NpgsqlParameter { Value = expiresAt });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)extensionId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync();
    }

    public async Task<StoredLink?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, byte[] tokenHash, bool forUpdate)
    {
        await using var command = new NpgsqlCommand(
            "SELECT token_hash, purpose, person_id, request_id, created_at, expires_at, used_at, superseded_at, failed_attempts, locked_at, extension_id FROM jit.stepup_links WHERE token_hash = @hash"
            + (forUpdate ? " FOR UPDATE" : string.Empty), connection, transaction);
        command.Parameters.AddWithValue("hash", tokenHash);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        return new StoredLink(
            reader.GetFieldValue<byte[]>(0),
            reader.GetString(2),
            PurposeNames.ParseLink(reader.GetString(1)),
            reader.IsDBNull(3) ? null : reader.GetInt64(3),
            reader.GetFieldValue<DateTimeOffset>(4),
            reader.GetFieldValue<DateTimeOffset>(5),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
            reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
            reader.GetInt32(8),
            reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
            reader.IsDBNull(10) ? null : reader.GetInt64(10));
    }

    /// <summary>Records that an enrollment link's secret is being shown; false when it was shown before (by any instance).</summary>
    public async Task<bool> MarkSecretShownAsync(NpgsqlConnection connection, byte[] tokenHash, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand("UPDATE jit.stepup_links SET secret_shown_at = @now WHERE token_hash = @hash AND secret_shown_at IS NULL", connection);
        command.Parameters.AddWithValue("hash", tokenHash);
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    /// <summary>Keeps the WebAuthn options (with their fresh challenge) the link's page hands out now, replacing earlier ones.</summary>
    public async Task SaveWebAuthnOptionsAsync(NpgsqlConnection connection, byte[] tokenHash, string optionsJson)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE jit.stepup_links SET webauthn_options = @options WHERE token_hash = @hash AND used_at IS NULL", connection);
        command.Parameters.AddWithValue("hash", tokenHash);
        command.Parameters.AddWithValue("options", optionsJson);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Takes the link's WebAuthn options for checking one answer: they are cleared in the same transaction, so a
    /// challenge is used at most once whatever the answer. Null when none are waiting (never handed out, or used).
    /// </summary>
    public async Task<string?> TakeWebAuthnOptionsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] tokenHash)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE jit.stepup_links l SET webauthn_options = NULL
            FROM (SELECT token_hash, webauthn_options FROM jit.stepup_links WHERE token_hash = @hash) old
            WHERE l.token_hash = old.token_hash AND old.webauthn_options IS NOT NULL
            RETURNING old.webauthn_options
            """, connection, transaction);
        command.Parameters.AddWithValue("hash", tokenHash);
        return await command.ExecuteScalarAsync() as string;
    }

    public async Task MarkUsedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] tokenHash, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand("UPDATE jit.stepup_links SET used_at = @now WHERE token_hash = @hash AND used_at IS NULL", connection, transaction);
        command.Parameters.AddWithValue("hash", tokenHash);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Locks every open link of a person, in a fixed order, so that a code being checked and a reset queue on each other.</summary>
    public async Task LockOpenAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId)
    {
        await using var command = new NpgsqlCommand(
            "SELECT 1 FROM jit.stepup_links WHERE person_id = @person AND used_at IS NULL AND superseded_at IS NULL ORDER BY token_hash FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Retires every open link of a person (their second factor was reset).</summary>
    public async Task RetireOpenAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE jit.stepup_links SET superseded_at = @now WHERE person_id = @person AND used_at IS NULL AND superseded_at IS NULL", connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Counts a wrong code; the link locks when it reaches <paramref name="maxAttempts"/>. Returns the new count.</summary>
    public async Task<int> CountWrongCodeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] tokenHash, int maxAttempts, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE jit.stepup_links
            SET failed_attempts = failed_attempts + 1,
                locked_at = CASE WHEN failed_attempts + 1 >= @max THEN @now ELSE locked_at END
            WHERE token_hash = @hash
            RETURNING failed_attempts
            """, connection, transaction);
        command.Parameters.AddWithValue("hash", tokenHash);
        command.Parameters.AddWithValue("max", maxAttempts);
        command.Parameters.AddWithValue("now", now);
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
