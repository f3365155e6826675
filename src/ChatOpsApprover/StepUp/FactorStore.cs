using Npgsql;

namespace ChatOpsApprover.StepUp;

/// <summary>
/// The only place that reads or writes people's second factors (jit.mfa_factors, a table name kept from before the
/// vocabulary settled). Callers own the transaction.
/// </summary>
public sealed class FactorStore
{
    public async Task<StoredFactor?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string personId, bool forUpdate)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM jit.mfa_factors WHERE person_id = @person" + (forUpdate ? " FOR UPDATE" : string.Empty),
            connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        return await ReadOneAsync(command);
    }

    /// <summary>The factor whose enrollment waits for the admin approval <paramref name="approvalId"/>; null once it was decided.</summary>
    public async Task<StoredFactor?> FindAwaitingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid approvalId, bool forUpdate)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM jit.mfa_factors WHERE approval_id = @approval AND active" + (forUpdate ? " FOR UPDATE" : string.Empty), connection, transaction);
        command.Parameters.AddWithValue("approval", approvalId);
        return await ReadOneAsync(command);
    }

    /// <summary>An admin approved the enrollment: the factor can confirm step-ups from now on.</summary>
    public async Task<bool> ApproveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid approvalId, string adminId, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE jit.mfa_factors SET approval_id = NULL, approved_by = @admin, approved_at = @now WHERE approval_id = @approval AND active",
            connection, transaction);
        command.Parameters.AddWithValue("approval", approvalId);
        command.Parameters.AddWithValue("admin", adminId);
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    private const string Columns = "person_id, secret_protected, active, last_used_step, locked_at IS NOT NULL, approval_id, totp";

    private static async Task<StoredFactor?> ReadOneAsync(NpgsqlCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new StoredFactor(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.GetBoolean(4), reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.GetBoolean(6))
            : null;
    }

    /// <summary>Stores a new, not yet active secret. Returns false (and changes nothing) when the person has an active factor.</summary>
    public async Task<bool> SavePendingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, string secretProtected, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO jit.mfa_factors (person_id, secret_protected, active, created_at) VALUES (@person, @secret, false, @now)
            ON CONFLICT (person_id) DO UPDATE SET secret_protected = excluded.secret_protected, created_at = excluded.created_at, last_used_step = NULL
            WHERE NOT jit.mfa_factors.active
            """, connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("secret", secretProtected);
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    /// <summary>
    /// Makes a pending factor active, remembering the step its confirming code used; with no step (enrolled with a
    /// passkey) the authenticator app's secret stays unconfirmed and no code is ever accepted. With an
    /// <paramref name="approvalId"/> it still waits for an admin's approval before it can confirm anything.
    /// </summary>
    public async Task ActivateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, long? step, Guid? approvalId, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE jit.mfa_factors SET active = true, activated_at = @now, last_used_step = @step, totp = @totp, approval_id = @approval WHERE person_id = @person AND NOT active",
            connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.Add(new NpgsqlParameter("step", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = step is { } s ? s : DBNull.Value });
        command.Parameters.AddWithValue("totp", step is not null);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.Add(new NpgsqlParameter("approval", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = approvalId is { } id ? id : DBNull.Value });
        if (await command.ExecuteNonQueryAsync() != 1)
        {
            throw new InvalidOperationException("The factor was not pending; the caller must hold its lock.");
        }
    }

    /// <summary>Uses up a time step. False when that step (or a later one) was already used: a replayed code.</summary>
    public async Task<bool> UseStepAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, long step)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE jit.mfa_factors SET last_used_step = @step WHERE person_id = @person AND active AND (last_used_step IS NULL OR last_used_step < @step)",
            connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("step", step);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    /// <summary>
    /// Counts a wrong step-up code against the person's factor, whichever link it came through; the factor locks at
    /// <paramref name="maxFailures"/> until an admin resets it. Returns true when this failure locked it.
    /// </summary>
    public async Task<bool> CountFailureAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, int maxFailures, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE jit.mfa_factors
            SET failed_codes = failed_codes + 1,
                locked_at = CASE WHEN failed_codes + 1 >= @max THEN coalesce(locked_at, @now) ELSE locked_at END
            WHERE person_id = @person
            RETURNING failed_codes = @max
            """, connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("max", maxFailures);
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteScalarAsync() is true;
    }

    /// <summary>A right code clears the run of wrong ones.</summary>
    public async Task ClearFailuresAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId)
    {
        await using var command = new NpgsqlCommand("UPDATE jit.mfa_factors SET failed_codes = 0 WHERE person_id = @person AND failed_codes > 0", connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The opaque WebAuthn user handle of the person's factor (32 random bytes, no personal data), made on first use;
    /// every passkey of the person carries it. Null when the person has no factor row.
    /// </summary>
    public async Task<byte[]?> UserHandleAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string personId)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE jit.mfa_factors SET user_handle = coalesce(user_handle, @fresh) WHERE person_id = @person RETURNING user_handle", connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("fresh", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        return await command.ExecuteScalarAsync() as byte[];
    }

    /// <summary>Removes a person's factor. Returns whether one existed.</summary>
    public async Task<bool> DeleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId)
    {
        await using var command = new NpgsqlCommand("DELETE FROM jit.mfa_factors WHERE person_id = @person", connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        return await command.ExecuteNonQueryAsync() == 1;
    }
}
