using ChatOpsApprover.Domain;
using ChatOpsApprover.Storage;
using Npgsql;
using NpgsqlTypes;

namespace ChatOpsApprover.StepUp;

/// <summary>What a link is for. Enrollment links have no request; step-up links have exactly one.</summary>
public enum LinkPurpose
{
    Enroll,
    Requester,
    Approver,
}

/// <summary>A stored link. <see cref="TokenHash"/> is SHA-256 of the token; the token itself is never stored.</summary>
public sealed record StoredLink(
    byte[] TokenHash,
    LinkPurpose Purpose,
    string PersonId,
    long? RequestId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? UsedAt,
    DateTimeOffset? SupersededAt,
    int FailedAttempts,
    DateTimeOffset? LockedAt);

/// <summary>A person's second factor; <see cref="SecretProtected"/> is a Data Protection payload.</summary>
public sealed record StoredFactor(string PersonId, string SecretProtected, bool Active, long? LastUsedStep, bool Locked = false);

/// <summary>Reads and writes second factors, links, confirmations and known devices. Callers own the transaction.</summary>
public sealed class StepUpStore(NpgsqlDataSource dataSource)
{
    public NpgsqlDataSource DataSource => dataSource;

    public static string Name(LinkPurpose purpose) => purpose.ToString().ToLowerInvariant();

    public static string Name(StepUpPurpose purpose) => purpose.ToString().ToLowerInvariant();

    public static LinkPurpose ToLink(StepUpPurpose purpose) => purpose == StepUpPurpose.Requester ? LinkPurpose.Requester : LinkPurpose.Approver;

    // ---- Links ----

    /// <summary>Stores a new link and retires every earlier open link with the same binding: only the newest one works.</summary>
    public async Task InsertLinkAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] tokenHash, LinkPurpose purpose, string personId, long? requestId, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var supersede = new NpgsqlBatchCommand(
            "UPDATE jit.stepup_links SET superseded_at = $1 WHERE person_id = $2 AND purpose = $3 AND request_id IS NOT DISTINCT FROM $4 AND used_at IS NULL AND superseded_at IS NULL");
        supersede.Parameters.Add(new NpgsqlParameter { Value = now });
        supersede.Parameters.Add(new NpgsqlParameter { Value = personId });
        supersede.Parameters.Add(new NpgsqlParameter { Value = Name(purpose) });
        supersede.Parameters.Add(new NpgsqlParameter { Value = (object?)requestId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        batch.BatchCommands.Add(supersede);
        var insert = new NpgsqlBatchCommand(
            "INSERT INTO jit.stepup_links (token_hash, purpose, person_id, request_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)");
        insert.Parameters.Add(new NpgsqlParameter { Value = tokenHash });
        insert.Parameters.Add(new NpgsqlParameter { Value = Name(purpose) });
        insert.Parameters.Add(new NpgsqlParameter { Value = personId });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)requestId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        insert.Parameters.Add(new NpgsqlParameter { Value = now });
        insert.Parameters.Add(new NpgsqlParameter { Value = expiresAt });
        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync();
    }

    public async Task<StoredLink?> FindLinkAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, byte[] tokenHash, bool forUpdate)
    {
        await using var command = new NpgsqlCommand(
            "SELECT token_hash, purpose, person_id, request_id, created_at, expires_at, used_at, superseded_at, failed_attempts, locked_at FROM jit.stepup_links WHERE token_hash = @hash"
            + (forUpdate ? " FOR UPDATE" : string.Empty), connection, transaction);
        command.Parameters.AddWithValue("hash", tokenHash);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        return new StoredLink(
            reader.GetFieldValue<byte[]>(0),
            Enum.Parse<LinkPurpose>(reader.GetString(1), ignoreCase: true),
            reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetInt64(3),
            reader.GetFieldValue<DateTimeOffset>(4),
            reader.GetFieldValue<DateTimeOffset>(5),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
            reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
            reader.GetInt32(8),
            reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9));
    }

    public async Task MarkLinkUsedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] tokenHash, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand("UPDATE jit.stepup_links SET used_at = @now WHERE token_hash = @hash AND used_at IS NULL", connection, transaction);
        command.Parameters.AddWithValue("hash", tokenHash);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync();
    }

    public async Task LockOpenLinksAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId)
    {
        await using var command = new NpgsqlCommand(
            "SELECT 1 FROM jit.stepup_links WHERE person_id = @person AND used_at IS NULL AND superseded_at IS NULL ORDER BY token_hash FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue("person", personId);
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

    // ---- Factors ----

    /// <summary>
    /// Counts a wrong step-up code against the person's factor, whichever link it came through; the factor locks at
    /// <paramref name="maxFailures"/> until an admin resets it. Returns true when this failure locked it.
    /// </summary>
    public async Task<bool> CountFactorFailureAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, int maxFailures, DateTimeOffset now)
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
    public async Task ClearFactorFailuresAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId)
    {
        await using var command = new NpgsqlCommand("UPDATE jit.mfa_factors SET failed_codes = 0 WHERE person_id = @person AND failed_codes > 0", connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<StoredFactor?> FindFactorAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string personId, bool forUpdate)
    {
        await using var command = new NpgsqlCommand(
            "SELECT person_id, secret_protected, active, last_used_step, locked_at IS NOT NULL FROM jit.mfa_factors WHERE person_id = @person" + (forUpdate ? " FOR UPDATE" : string.Empty),
            connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new StoredFactor(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.GetBoolean(4))
            : null;
    }

    /// <summary>Stores a new, not yet active secret. Returns false (and changes nothing) when the person has an active factor.</summary>
    public async Task<bool> SavePendingFactorAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, string secretProtected, DateTimeOffset now)
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

    /// <summary>Makes a pending factor active, remembering the step its confirming code used.</summary>
    public async Task ActivateFactorAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, long step, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE jit.mfa_factors SET active = true, activated_at = @now, last_used_step = @step WHERE person_id = @person AND NOT active",
            connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("step", step);
        command.Parameters.AddWithValue("now", now);
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

    /// <summary>Removes a person's factor, retires their open links and forgets their devices and networks. Returns whether a factor existed.</summary>
    public async Task<bool> DeleteFactorAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand(
            """
            WITH retired AS (
                UPDATE jit.stepup_links SET superseded_at = @now WHERE person_id = @person AND used_at IS NULL AND superseded_at IS NULL
            ), devices AS (
                DELETE FROM jit.known_devices WHERE person_id = @person
            ), networks AS (
                DELETE FROM jit.known_networks WHERE person_id = @person
            )
            DELETE FROM jit.mfa_factors WHERE person_id = @person
            """, connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    // ---- Confirmations ----

    /// <summary>
    /// Marks a confirmation as waiting. Asking again keeps it waiting, and reopens a refused one (an approver who was
    /// refused on a new network may try again from a known one; a refused requester's request has already failed).
    /// A verified one is never reopened. Returns whether it is waiting.
    /// </summary>
    public async Task<bool> AskAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long requestId, string personId, StepUpPurpose purpose, ChatPlatform platform, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO jit.stepup_confirmations (request_id, person_id, purpose, state, platform, at) VALUES (@id, @person, @purpose, 'waiting', @platform, @now)
            ON CONFLICT (request_id, person_id, purpose) DO UPDATE
            SET state = 'waiting', at = excluded.at, platform = excluded.platform, new_device = false, new_network = false
            WHERE jit.stepup_confirmations.state <> 'verified'
            """, connection, transaction);
        command.Parameters.AddWithValue("id", requestId);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("purpose", Name(purpose));
        command.Parameters.AddWithValue("platform", StoredPlatform.Name(platform));
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteNonQueryAsync() == 1;
    }

    public async Task FinishAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long requestId, string personId, StepUpPurpose purpose, StepUpState state, StepUpRisk risk, DateTimeOffset now)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE jit.stepup_confirmations SET state = @state, at = @now, new_device = @device, new_network = @network
            WHERE request_id = @id AND person_id = @person AND purpose = @purpose AND state = 'waiting'
            """, connection, transaction);
        command.Parameters.AddWithValue("id", requestId);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("purpose", Name(purpose));
        command.Parameters.AddWithValue("state", state.ToString().ToLowerInvariant());
        command.Parameters.AddWithValue("device", risk.NewDevice);
        command.Parameters.AddWithValue("network", risk.NewNetwork);
        command.Parameters.AddWithValue("now", now);
        if (await command.ExecuteNonQueryAsync() != 1)
        {
            throw new InvalidOperationException($"No waiting {purpose} confirmation of request {requestId}; the caller must hold the request's lock.");
        }
    }

    /// <summary>The platform the person acted on when they were asked (an approver's click, a requester's request).</summary>
    public async Task<ChatPlatform?> AskedOnAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long requestId, string personId, StepUpPurpose purpose)
    {
        await using var command = new NpgsqlCommand(
            "SELECT platform FROM jit.stepup_confirmations WHERE request_id = @id AND person_id = @person AND purpose = @purpose", connection, transaction);
        command.Parameters.AddWithValue("id", requestId);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.AddWithValue("purpose", Name(purpose));
        return await command.ExecuteScalarAsync() is string platform ? StoredPlatform.Parse(platform) : null;
    }

    /// <summary>
    /// Every confirmation still waiting for this person, whatever became of its request (a request that ended leaves
    /// its confirmations waiting): callers keep those whose request still needs them (<see cref="StepUpRules.Awaits"/>).
    /// </summary>
    public async Task<IReadOnlyList<(long RequestId, StepUpPurpose Purpose, ChatPlatform Platform)>> WaitingForAsync(string personId)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT request_id, purpose, platform FROM jit.stepup_confirmations WHERE person_id = @person AND state = 'waiting' ORDER BY request_id");
        command.Parameters.AddWithValue("person", personId);
        var result = new List<(long, StepUpPurpose, ChatPlatform)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add((reader.GetInt64(0), Enum.Parse<StepUpPurpose>(reader.GetString(1), ignoreCase: true), StoredPlatform.Parse(reader.GetString(2))));
        }

        return result;
    }

    /// <summary>The confirmations of each of these requests (part of the request aggregate), oldest first.</summary>
    public async Task<Dictionary<long, IReadOnlyList<StepUpConfirmation>>> ConfirmationsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long[] requestIds)
    {
        await using var command = new NpgsqlCommand(
            "SELECT request_id, person_id, purpose, state, at, new_device, new_network FROM jit.stepup_confirmations WHERE request_id = ANY(@ids) ORDER BY at, person_id",
            connection, transaction);
        command.Parameters.AddWithValue("ids", requestIds);
        return await RowGroups.ReadAsync(command, reader => new StepUpConfirmation(
            reader.GetString(1),
            Enum.Parse<StepUpPurpose>(reader.GetString(2), ignoreCase: true),
            Enum.Parse<StepUpState>(reader.GetString(3), ignoreCase: true),
            reader.GetFieldValue<DateTimeOffset>(4),
            new StepUpRisk(reader.GetBoolean(5), reader.GetBoolean(6))));
    }

    // ---- Known devices and networks ----

    public async Task<StepUpRisk> RiskAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, byte[]? deviceHash, string address)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT EXISTS (SELECT 1 FROM jit.known_devices WHERE person_id = @person AND device_hash = @device),
                   EXISTS (SELECT 1 FROM jit.known_networks WHERE person_id = @person AND address = @address)
            """, connection, transaction);
        command.Parameters.AddWithValue("person", personId);
        command.Parameters.Add(new NpgsqlParameter("device", NpgsqlDbType.Bytea) { Value = (object?)deviceHash ?? DBNull.Value });
        command.Parameters.AddWithValue("address", address);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new StepUpRisk(NewDevice: deviceHash is null || !reader.GetBoolean(0), NewNetwork: !reader.GetBoolean(1));
    }

    public async Task RememberAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string personId, byte[] deviceHash, string address, DateTimeOffset now)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var device = new NpgsqlBatchCommand(
            "INSERT INTO jit.known_devices (person_id, device_hash, first_seen, last_seen) VALUES ($1, $2, $3, $3) ON CONFLICT (person_id, device_hash) DO UPDATE SET last_seen = excluded.last_seen");
        device.Parameters.Add(new NpgsqlParameter { Value = personId });
        device.Parameters.Add(new NpgsqlParameter { Value = deviceHash });
        device.Parameters.Add(new NpgsqlParameter { Value = now });
        batch.BatchCommands.Add(device);
        var network = new NpgsqlBatchCommand(
            "INSERT INTO jit.known_networks (person_id, address, first_seen, last_seen) VALUES ($1, $2, $3, $3) ON CONFLICT (person_id, address) DO UPDATE SET last_seen = excluded.last_seen");
        network.Parameters.Add(new NpgsqlParameter { Value = personId });
        network.Parameters.Add(new NpgsqlParameter { Value = address });
        network.Parameters.Add(new NpgsqlParameter { Value = now });
        batch.BatchCommands.Add(network);
        await batch.ExecuteNonQueryAsync();
    }
}
